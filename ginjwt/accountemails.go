package ginjwt

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"
)

// Errors of the account-email API.
var (
	// ErrNoMail is returned by the account-email methods of an Auth whose
	// Config has no Mail.
	ErrNoMail = errors.New("ginjwt: Config.Mail is not set")
	// ErrInvalidMailToken: a verification or reset token that is unknown,
	// spent, expired, malformed, or (for a reset) older than the
	// account's last password change. The routes answer 400 with one
	// body for all of these. It matches ErrBadRequest.
	ErrInvalidMailToken = fmt.Errorf("%w: invalid or expired token", ErrBadRequest)
	// ErrEmailNotVerified: sign-in refused by Config.RequireVerifiedEmail
	// (403). It matches ErrRejected.
	ErrEmailNotVerified = fmt.Errorf("%w: email not verified", ErrRejected)
)

// accountMail is the runtime of Config.Mail.
type accountMail struct {
	set   *mailSettings
	queue *mailQueue

	mu     sync.Mutex
	recent map[Digest]time.Time // cooldown reservations of this process
}

// maxCooldownKeys bounds the in-process cooldown reservations; past it,
// only the store's record of the latest token enforces the cooldown.
const maxCooldownKeys = 100_000

func (a *Auth[U]) compileMail() error {
	var zero U
	_, verifiable := any(zero).(VerifiedUser)
	if a.cfg.RequireVerifiedEmail && !verifiable {
		return configErrorf("RequireVerifiedEmail", "the user type %T does not implement ginjwt.VerifiedUser", zero)
	}
	if a.cfg.Mail == nil {
		return nil
	}
	if !verifiable {
		return configErrorf("Mail", "the user type %T does not implement ginjwt.VerifiedUser", zero)
	}
	ms, err := a.cfg.Mail.settings(a.users)
	if err != nil {
		return err
	}
	a.mail = &accountMail{set: ms, queue: newMailQueue(&ms.cfg, a.set.logger), recent: map[Digest]time.Time{}}
	return nil
}

// Close sends the account mails still queued (retries included) and
// stops the mail workers; call it on shutdown, after the HTTP server has
// stopped taking requests. It returns ctx's error if ctx ends first, and
// the mails not sent by then are lost. Without Config.Mail it does
// nothing.
func (a *Auth[U]) Close(ctx context.Context) error {
	if a.mail == nil {
		return nil
	}
	return a.mail.queue.close(ctx)
}

// RequestVerification queues a verification mail to email, sent only if
// it names an existing, active, unverified account outside its cooldown;
// it reveals nothing of which. The error reports only a queue that is
// full or closed, or ErrNoMail.
func (a *Auth[U]) RequestVerification(ctx context.Context, email string) error {
	return a.requestMail(MailTokenVerify, email)
}

// RequestPasswordReset queues a reset mail to email, sent only if it
// names an existing, active account outside its cooldown; it reveals
// nothing of which. The error reports only a queue that is full or
// closed, or ErrNoMail.
func (a *Auth[U]) RequestPasswordReset(ctx context.Context, email string) error {
	return a.requestMail(MailTokenReset, email)
}

func (a *Auth[U]) requestMail(kind MailTokenKind, email string) error {
	if a.mail == nil {
		return ErrNoMail
	}
	addr := strings.TrimSpace(email)
	return a.mail.queue.enqueue(mailJob{prepare: func(ctx context.Context) (Message, bool, error) {
		return a.prepareMail(ctx, kind, addr)
	}})
}

// prepareMail runs in the queue: it decides whether addr gets a mail of
// kind, stores the token and returns the mail.
func (a *Auth[U]) prepareMail(ctx context.Context, kind MailTokenKind, addr string) (Message, bool, error) {
	m := a.mail
	u, err := a.users.FindUserByEmail(ctx, NormalizeEmail(addr))
	if errors.Is(err, ErrUserNotFound) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, err
	}
	if !u.IsActive() || (kind == MailTokenVerify && isVerified(u)) {
		return Message{}, false, nil
	}
	now := a.set.now().UTC()
	key := AccountDigest("mail:"+string(kind), u.Subject())
	if !m.reserve(key, now) {
		return Message{}, false, nil
	}
	msg, send, err := a.issueMail(ctx, kind, u, addr, now)
	if err != nil || !send {
		m.release(key)
	}
	return msg, send, err
}

func (a *Auth[U]) issueMail(ctx context.Context, kind MailTokenKind, u U, addr string, now time.Time) (Message, bool, error) {
	m := a.mail
	if cd := m.set.cfg.Cooldown; cd > 0 {
		latest, err := m.set.tokens.LatestMailToken(ctx, u.Subject(), kind)
		if err != nil {
			return Message{}, false, err
		}
		if !latest.IsZero() && now.Sub(latest) < cd {
			return Message{}, false, nil
		}
	}
	ttl, base, subject, text := m.set.cfg.VerifyTokenLifetime, m.set.verifyURL, m.set.cfg.VerifySubject, m.set.cfg.VerifyText
	if kind == MailTokenReset {
		ttl, base, subject, text = m.set.cfg.ResetTokenLifetime, m.set.resetURL, m.set.cfg.ResetSubject, m.set.cfg.ResetText
	}
	token := newMailToken()
	err := m.set.tokens.CreateMailToken(ctx, MailToken{
		Hash: hashRefreshToken(token), Kind: kind, UserID: u.Subject(),
		CredentialsVersion: u.CredentialsVersion(), CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	if err != nil {
		return Message{}, false, err
	}
	body, err := render(text, MailData{Email: addr, Link: mailLink(base, token), Expires: ttl})
	if err != nil {
		return Message{}, false, err
	}
	return Message{To: addr, Subject: subject, Text: body}, true, nil
}

func render(t *template.Template, d MailData) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("ginjwt: mail template %s: %w", t.Name(), err)
	}
	return b.String(), nil
}

// reserve takes the cooldown of key at now, or reports false when it is
// taken.
func (m *accountMail) reserve(key Digest, now time.Time) bool {
	cd := m.set.cfg.Cooldown
	if cd <= 0 {
		return true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if at, ok := m.recent[key]; ok && now.Sub(at) < cd {
		return false
	}
	if len(m.recent) >= maxCooldownKeys {
		for k, at := range m.recent {
			if now.Sub(at) >= cd {
				delete(m.recent, k)
			}
		}
		if len(m.recent) >= maxCooldownKeys {
			return true // the store's latest token still applies
		}
	}
	m.recent[key] = now
	return true
}

func (m *accountMail) release(key Digest) {
	m.mu.Lock()
	delete(m.recent, key)
	m.mu.Unlock()
}

// A mail token is 256 random bits, base64url: 43 characters.
const mailTokenLen = 43

func newMailToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func wellFormedMailToken(t string) bool {
	if len(t) != mailTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

func isVerified[U User](u U) bool {
	v, ok := any(u).(VerifiedUser)
	return ok && v.IsVerified()
}

// consume spends a token of kind and returns it.
func (a *Auth[U]) consume(ctx context.Context, kind MailTokenKind, token string) (MailToken, error) {
	if a.mail == nil {
		return MailToken{}, ErrNoMail
	}
	if !wellFormedMailToken(token) {
		return MailToken{}, ErrInvalidMailToken
	}
	t, err := a.mail.set.tokens.ConsumeMailToken(ctx, kind, hashRefreshToken(token), a.set.now().UTC())
	if errors.Is(err, ErrMailTokenNotFound) {
		return MailToken{}, ErrInvalidMailToken
	}
	if err != nil {
		return MailToken{}, unavailable(err)
	}
	return t, nil
}

// VerifyEmail spends a verification token and marks its user's email
// verified, and returns the user. Errors match [ErrInvalidMailToken] or
// [ErrStoreUnavailable].
func (a *Auth[U]) VerifyEmail(ctx context.Context, token string) (U, error) {
	var zero U
	t, err := a.consume(ctx, MailTokenVerify, token)
	if err != nil {
		return zero, err
	}
	if err := a.SetEmailVerified(ctx, t.UserID, true); err != nil {
		if errors.Is(err, ErrUserNotFound) {
			return zero, ErrInvalidMailToken
		}
		return zero, err
	}
	u, err := a.users.FindUserByID(ctx, t.UserID)
	if err != nil {
		return zero, storeErr(err, ErrUserNotFound)
	}
	return u, nil
}

// ResetPassword spends a reset token and gives its user newPassword (the
// password policy applies, checked before the token is spent): the
// credentials version moves, every session is revoked, the account's
// sign-in throttle is reset and its email counts as verified, all on a
// context the caller's cancellation cannot stop. A token issued before
// the account's last password change is invalid. Errors match
// [ErrInvalidMailToken], [ErrBadRequest] (the password policy) or
// [ErrStoreUnavailable].
func (a *Auth[U]) ResetPassword(ctx context.Context, token, newPassword string) error {
	return a.resetPassword(ctx, token, newPassword, "")
}

func (a *Auth[U]) resetPassword(ctx context.Context, token, newPassword, ip string) error {
	if a.mail == nil {
		return ErrNoMail
	}
	hash, err := a.hasher().Hash(ctx, newPassword)
	if err != nil {
		if bad := passwordBad(err, "new_password"); bad != nil {
			return bad
		}
		return unavailable(err)
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	t, err := a.consume(ctx, MailTokenReset, token)
	if err != nil {
		return err
	}
	u, err := a.users.FindUserByID(ctx, t.UserID)
	if errors.Is(err, ErrUserNotFound) || (err == nil && (!u.IsActive() || u.CredentialsVersion() != t.CredentialsVersion)) {
		return ErrInvalidMailToken
	}
	if err != nil {
		return unavailable(err)
	}
	if _, err := a.setPassword(ctx, u.Subject(), hash, u.CredentialsVersion(), ip, nil); err != nil {
		return err
	}
	// Sign-in counts a known account's attempts by its id, and password
	// resets by its email: forget both, from every client.
	accounts := []Digest{AccountDigest("user", u.Subject())}
	if addr, ok := any(u).(EmailUser); ok {
		accounts = append(accounts, AccountDigest("email", NormalizeEmail(addr.EmailAddress())))
	}
	for _, account := range accounts {
		if err := a.throttle().ResetAccount(ctx, account); err != nil {
			a.set.logger.WarnContext(ctx, "ginjwt: resetting the sign-in throttle after a password reset failed", "user_id", u.Subject(), "error", err)
		}
	}
	if err := a.SetEmailVerified(ctx, u.Subject(), true); err != nil {
		a.set.logger.WarnContext(ctx, "ginjwt: marking the email verified after a password reset failed", "user_id", u.Subject(), "error", err)
	}
	if h := a.cfg.Hooks.AfterPasswordChange; h != nil {
		a.after(ctx, "AfterPasswordChange", h(ctx, u))
	}
	return nil
}

// SetEmailVerified marks a user's email verified or not, and makes this
// process forget what it cached about the user. It needs a Users store
// that implements [EmailVerifier]. Errors match [ErrUserNotFound] or
// [ErrStoreUnavailable].
func (a *Auth[U]) SetEmailVerified(ctx context.Context, userID string, verified bool) error {
	v, ok := a.users.(EmailVerifier)
	if !ok {
		return fmt.Errorf("ginjwt: SetEmailVerified: %T does not implement ginjwt.EmailVerifier", a.users)
	}
	err := v.SetEmailVerified(ctx, userID, verified)
	a.InvalidateUser(userID)
	if err != nil {
		return storeErr(err, ErrUserNotFound)
	}
	return nil
}
