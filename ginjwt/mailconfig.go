package ginjwt

import (
	"net/url"
	"text/template"
	"time"
)

// Defaults of [MailConfig].
const (
	DefaultVerifyTokenLifetime = 24 * time.Hour
	DefaultResetTokenLifetime  = time.Hour
	DefaultMailCooldown        = 60 * time.Second
	DefaultMailQueueSize       = 1000
	DefaultMailWorkers         = 2
	DefaultMailRetries         = 5
	DefaultMailRetryDelay      = 2 * time.Second
)

// MailConfig turns on account emails: verification and password reset
// (see docs/account-emails.md). The Users store must implement
// [MailTokenStore] and [EmailVerifier], and U [VerifiedUser].
type MailConfig struct {
	// Mailer sends the mails. Required.
	Mailer Mailer
	// VerifyURL and ResetURL are the pages the links point to; the token
	// is added as the "token" query parameter. Required, absolute URLs.
	// The pages must not spend the token on GET (mail scanners fetch
	// links): a button or form POSTs it to the routes.
	VerifyURL, ResetURL string
	// VerifyTokenLifetime (default 24h) and ResetTokenLifetime (default
	// 1h) are how long a token works.
	VerifyTokenLifetime, ResetTokenLifetime time.Duration
	// Cooldown is how long after a mail to one recipient another of the
	// same kind is silently not sent. Default 60s; negative for none.
	Cooldown time.Duration
	// QueueSize bounds the mails waiting to be prepared or sent (default
	// 1000); a request that finds it full is answered as usual and its
	// mail dropped, with a log line. Workers (default 2) prepare and send.
	QueueSize, Workers int
	// Retries is how many times a failed send is tried again (default 5),
	// waiting RetryDelay (default 2s), doubled each time.
	Retries    int
	RetryDelay time.Duration
	// VerifySubject, ResetSubject, VerifyText and ResetText override the
	// mails. The texts are executed with a [MailData].
	VerifySubject, ResetSubject string
	VerifyText, ResetText       *template.Template
}

// MailData is what the mail templates receive.
type MailData struct {
	Email   string        // the recipient
	Link    string        // the page with the token
	Expires time.Duration // the token's lifetime
}

var (
	defaultVerifyText = template.Must(template.New("verify").Parse(`Hello,

Confirm that {{.Email}} is your email address by opening this link:

{{.Link}}

The link works once, for {{.Expires}}. If you did not sign up, ignore this mail.
`))
	defaultResetText = template.Must(template.New("reset").Parse(`Hello,

Someone asked to reset the password of the account of {{.Email}}. To choose a new password, open this link:

{{.Link}}

The link works once, for {{.Expires}}. If you did not ask for it, ignore this mail: your password stays as it is.
`))
)

// mailSettings is the validated form of a MailConfig.
type mailSettings struct {
	cfg                 MailConfig
	verifyURL, resetURL *url.URL
	tokens              MailTokenStore
	verifier            EmailVerifier
}

func (m MailConfig) settings(users any) (*mailSettings, error) {
	s := &mailSettings{cfg: m}
	c := &s.cfg
	if c.Mailer == nil {
		return nil, configErrorf("Mail.Mailer", "is required")
	}
	var err error
	if s.verifyURL, err = absURL(c.VerifyURL, "Mail.VerifyURL"); err != nil {
		return nil, err
	}
	if s.resetURL, err = absURL(c.ResetURL, "Mail.ResetURL"); err != nil {
		return nil, err
	}
	for _, d := range []struct {
		v    *time.Duration
		def  time.Duration
		name string
	}{
		{&c.VerifyTokenLifetime, DefaultVerifyTokenLifetime, "Mail.VerifyTokenLifetime"},
		{&c.ResetTokenLifetime, DefaultResetTokenLifetime, "Mail.ResetTokenLifetime"},
		{&c.RetryDelay, DefaultMailRetryDelay, "Mail.RetryDelay"},
	} {
		if err := defaultDuration(d.v, d.def, d.name); err != nil {
			return nil, err
		}
	}
	switch {
	case c.Cooldown == 0:
		c.Cooldown = DefaultMailCooldown
	case c.Cooldown < 0:
		c.Cooldown = 0
	}
	for _, n := range []struct {
		v    *int
		def  int
		name string
	}{
		{&c.QueueSize, DefaultMailQueueSize, "Mail.QueueSize"},
		{&c.Workers, DefaultMailWorkers, "Mail.Workers"},
		{&c.Retries, DefaultMailRetries, "Mail.Retries"},
	} {
		switch {
		case *n.v == 0:
			*n.v = n.def
		case *n.v < 0:
			return nil, configErrorf(n.name, "must not be negative")
		}
	}
	if c.VerifySubject == "" {
		c.VerifySubject = "Confirm your email address"
	}
	if c.ResetSubject == "" {
		c.ResetSubject = "Reset your password"
	}
	if c.VerifyText == nil {
		c.VerifyText = defaultVerifyText
	}
	if c.ResetText == nil {
		c.ResetText = defaultResetText
	}
	var ok bool
	if s.tokens, ok = users.(MailTokenStore); !ok {
		return nil, configErrorf("Users", "%T does not implement ginjwt.MailTokenStore, which Mail needs", users)
	}
	if s.verifier, ok = users.(EmailVerifier); !ok {
		return nil, configErrorf("Users", "%T does not implement ginjwt.EmailVerifier, which Mail needs", users)
	}
	return s, nil
}

func absURL(raw, field string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, configErrorf(field, "%q must be an absolute http(s) URL", raw)
	}
	return u, nil
}
