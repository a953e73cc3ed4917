package ginjwt

import (
	"context"
	"errors"
	"time"
)

// MailTokenKind tells the tokens of account emails apart: a verification
// token never resets a password, and a reset token never verifies.
type MailTokenKind string

// The kinds of mail tokens.
const (
	MailTokenVerify MailTokenKind = "verify" // proves the user reads the account's email
	MailTokenReset  MailTokenKind = "reset"  // lets the user set a new password
)

// ErrMailTokenNotFound is returned by [MailTokenStore.ConsumeMailToken]
// for a token that is unknown, of another kind, already spent or expired.
var ErrMailTokenNotFound = errors.New("ginjwt: mail token not found")

// MailToken is what a store keeps of a token sent by mail: never the token,
// only its hash (hex SHA-256), like refresh tokens.
type MailToken struct {
	Hash   string
	Kind   MailTokenKind
	UserID string
	// CredentialsVersion is the user's [User.CredentialsVersion] when the
	// token was made. A reset token whose version is behind its user's is
	// dead: any password change kills every reset token issued before it.
	CredentialsVersion int64
	CreatedAt          time.Time
	ExpiresAt          time.Time // the token is dead from this instant on
}

// MailTokenStore is an optional interface of a [UserStore] (or of the
// [SessionStore]) that keeps the tokens of account emails, which the
// account-email routes need. gormstore, mongostore and memstore implement
// it. Implementations must be safe for concurrent use, also across
// processes sharing the database, and keep times in UTC.
type MailTokenStore interface {
	// CreateMailToken stores t. It does not touch the user's other
	// tokens: a new request leaves earlier unexpired tokens working.
	CreateMailToken(ctx context.Context, t MailToken) error

	// ConsumeMailToken spends the token of this kind whose hash is hash
	// if it is unspent and not expired at now, and returns it. Of any
	// number of concurrent callers with one token exactly one succeeds;
	// the others, and every later caller, get ErrMailTokenNotFound, as
	// does an unknown, expired or malformed hash.
	ConsumeMailToken(ctx context.Context, kind MailTokenKind, hash string, now time.Time) (MailToken, error)

	// LatestMailToken returns when the user's newest token of this kind
	// was created, spent or not, or the zero time when there is none. The
	// per-recipient cooldown of account emails reads it.
	LatestMailToken(ctx context.Context, userID string, kind MailTokenKind) (time.Time, error)

	// PurgeMailTokens deletes the tokens that expired before now, spent
	// or not, and returns how many it deleted.
	PurgeMailTokens(ctx context.Context, now time.Time) (int, error)
}

// EmailVerifier is an optional interface of a [UserStore]: SetEmailVerified
// marks the user's email verified or not, or returns ErrUserNotFound.
// Verification by mail and [Auth.SetEmailVerified] need it.
type EmailVerifier interface {
	SetEmailVerified(ctx context.Context, id string, verified bool) error
}

// VerifiedUser is an optional interface of a [User] whose model records
// whether its email is verified (the "is_verified" of the user object).
// Config.RequireVerifiedEmail needs it.
type VerifiedUser interface {
	IsVerified() bool
}

// EmailUser is an optional interface of a [User] that tells its email
// address. A password reset uses it to reset the sign-in throttle of the
// account's email; the ready-made models implement it.
type EmailUser interface {
	EmailAddress() string
}
