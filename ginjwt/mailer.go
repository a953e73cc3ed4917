package ginjwt

import (
	"context"
	"log/slog"
	"net/url"
)

// Message is one plain-text mail.
type Message struct {
	To      string // a bare address
	Subject string
	Text    string // the body, plain text
}

// Mailer sends mail. [SMTPMailer] sends through an SMTP server and
// [LogMailer] only logs, for development; an API-based provider
// (SES, Postmark, …) plugs in by implementing Send with its client.
//
// Send must honour ctx's deadline and return an error when the mail was
// not accepted for delivery: the account-email queue then retries it.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// LogMailer is a [Mailer] for development: it logs each mail instead of
// sending it.
//
// WARNING: the log then holds the links, and so the single-use tokens,
// of every verification and reset mail: anyone who reads the log can take
// over an account. Never use it in production.
type LogMailer struct {
	Logger *slog.Logger // default slog.Default()
}

// Send implements [Mailer].
func (l LogMailer) Send(ctx context.Context, m Message) error {
	logger := l.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.InfoContext(ctx, "ginjwt: mail (LogMailer: not sent)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// mailLink returns base with the token as its "token" query parameter.
func mailLink(base *url.URL, token string) string {
	u := *base
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String()
}
