package ginjwt

import (
	"context"
	"time"
)

// User is what ginjwt needs from an application's user model. The
// ready-made models gormstore.User and mongostore.User implement it, and so
// does any application model that embeds one of them.
//
// The methods have value receivers on the ready-made models, so the user
// type U of a [Config] is the plain struct type (User, not *User).
type User interface {
	// Subject is the user's id as it appears in the "sub" claim. It is never
	// empty for a stored user.
	Subject() string
	// HashedPassword is the stored password hash (a PHC string for argon2id,
	// or a bcrypt hash), or "" for a user who cannot sign in with a password.
	HashedPassword() string
	// IsActive reports whether the user may authenticate at all.
	IsActive() bool
	// IsStaff reports whether the user may use staff-only routes.
	IsStaff() bool
	// CredentialsVersion is a counter that every password change (and, in
	// stores that offer it, every reset) increments, and that nothing else
	// changes: not the upgrade of an outdated hash at sign-in, which keeps
	// the password. Each session records the version it was created
	// under; a session whose version is behind its user's is dead, so a
	// sign-in that overlapped a password change can never leave a live
	// session to someone who knew only the old password.
	CredentialsVersion() int64
}

// NewUser is what the signup route hands to [UserStore.CreateUser]. Every
// field is already validated and normalised; stores persist it as given.
type NewUser struct {
	// Email is the address as the user typed it, surrounding spaces trimmed.
	Email string
	// NormalizedEmail is the lower-case copy that uniqueness and look-ups use
	// (see [NormalizeEmail]).
	NormalizedEmail string
	// PasswordHash is the encoded hash of the password; never the password.
	PasswordHash string
	// Username is the username as typed, trimmed, or "" for none.
	Username string
	// NormalizedUsername is what uniqueness and sign-in by username
	// compare (see [NormalizeUsername]), or "" for none. Stores keep it
	// unique among users that have one, and store "" as no value at all
	// (NULL, an absent field), never as a value that is unique too.
	NormalizedUsername string
	FirstName          string
	LastName           string
}

// UserStore loads and saves users of type U. Implementations must be safe
// for concurrent use, take the context first, honour its deadline, and
// return the sentinel errors of this package ([ErrUserNotFound],
// [ErrUserExists]) so that callers can tell a missing user from a broken
// store. Any other error is treated as the store being unavailable.
//
// ginjwt/storetest holds a conformance suite that every implementation
// should pass.
type UserStore[U User] interface {
	// FindUserByID returns the user whose Subject() is id, or
	// ErrUserNotFound. A malformed id is simply not found.
	FindUserByID(ctx context.Context, id string) (U, error)
	// FindUserByEmail returns the user whose normalised email equals
	// normalizedEmail, or ErrUserNotFound.
	FindUserByEmail(ctx context.Context, normalizedEmail string) (U, error)
	// CreateUser stores a new, active, non-staff user and returns it with its
	// id set. It returns ErrUserExists when the normalised email is taken,
	// and ErrUsernameTaken when the normalised username is (a non-empty
	// one: any number of users have none), also when two creations race,
	// and refuses an empty normalised email (ErrEmptyEmail).
	CreateUser(ctx context.Context, nu NewUser) (U, error)
	// SetPasswordHash replaces the user's password hash and increments
	// its CredentialsVersion by one, in one atomic write, or returns
	// ErrUserNotFound.
	SetPasswordHash(ctx context.Context, id, hash string) error
	// RecordLogin stores the time of a successful sign-in (last_login), or
	// returns ErrUserNotFound.
	RecordLogin(ctx context.Context, id string, at time.Time) error
}

// UserActivator is an optional interface of a [UserStore]: SetUserActive
// activates or deactivates a user, or returns ErrUserNotFound.
// [Auth.SetActive] needs it; gormstore, mongostore and memstore implement
// it.
type UserActivator interface {
	SetUserActive(ctx context.Context, id string, active bool) error
}

// PasswordHashSwapper is an optional interface of a [UserStore]: it
// replaces a user's password hash with newHash only while it still equals
// oldHash, in one atomic step, and reports whether it did (false, nil when
// the hash has changed or the user is gone). It leaves the credentials
// version alone: the password is the same.
//
// Sign-in upgrades a hash with outdated parameters only through it, so that
// a sign-in with the old password racing a password change can never write
// the old password back. A store without it keeps outdated hashes as they
// are. gormstore, mongostore and memstore implement it.
type PasswordHashSwapper interface {
	SwapPasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error)
}

// Session is one sign-in: the family of refresh tokens that descend from
// it, and the access tokens issued with them (their "sid" claim is ID).
type Session struct {
	ID         string
	UserID     string
	CreatedAt  time.Time
	LastUsedAt time.Time // moves on each refresh, not on each request
	ExpiresAt  time.Time // the refresh lifetime; moves on each refresh
	RevokedAt  time.Time // zero while not revoked
	UserAgent  string
	IP         string
	// CredentialsVersion is the user's [User.CredentialsVersion] when the
	// session was created. Stores keep it as given.
	CredentialsVersion int64
	// CSRFToken is the session's anti-CSRF token for the cookie transport
	// (see [CookieConfig]): random, set at creation, the same for the
	// session's whole life. Stores keep it as given; "" in sessions
	// stored before it existed, which then pass no CSRF check.
	CSRFToken string
}

// Live reports whether the session is neither revoked nor expired at now.
func (s Session) Live(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}

// SessionStore keeps sessions and the hashes of their refresh tokens. It
// never sees a refresh token itself, only its hash (hex SHA-256).
//
// Implementations must be safe for concurrent use and across processes that
// share the same database: in particular [SessionStore.RotateRefreshToken]
// must let exactly one of any number of concurrent callers win. Times are
// stored and returned in UTC.
type SessionStore interface {
	// CreateSession stores s (whose ID the caller chose) and makes
	// refreshHash its first live refresh token.
	CreateSession(ctx context.Context, s Session, refreshHash string) error

	// RotateRefreshToken spends the refresh token whose hash is oldHash and
	// makes newHash a live refresh token of the same session, moving the
	// session's LastUsedAt to now and ExpiresAt to expiresAt. It returns the
	// updated session.
	//
	// If oldHash belongs to a live session but was already spent, nothing
	// changes and the error is a *ReuseError (errors.Is(err,
	// ErrRefreshTokenReused)) carrying the session and when the token was
	// spent; the caller decides whether to revoke the session. If oldHash
	// is unknown, or its session is revoked or expired, the error is
	// ErrSessionNotFound.
	RotateRefreshToken(ctx context.Context, oldHash, newHash string, now, expiresAt time.Time) (Session, error)

	// AddRefreshToken makes hash another live refresh token of a live
	// session (a sibling, used inside the reuse grace window), or returns
	// ErrSessionNotFound.
	AddRefreshToken(ctx context.Context, sessionID, hash string, now time.Time) error

	// Session returns the session with this id, revoked or not, or
	// ErrSessionNotFound.
	Session(ctx context.Context, id string) (Session, error)

	// ListSessions returns the user's live sessions at now, newest first.
	ListSessions(ctx context.Context, userID string, now time.Time) ([]Session, error)

	// RevokeSession revokes one live session at now, or returns
	// ErrSessionNotFound when it does not exist or is no longer live.
	RevokeSession(ctx context.Context, id string, now time.Time) error

	// RevokeUserSessions revokes every live session of the user at now and
	// returns how many it revoked.
	RevokeUserSessions(ctx context.Context, userID string, now time.Time) (int, error)

	// PurgeExpired deletes sessions (and their refresh-token hashes) that
	// expired before now, revoked or not, and returns how many sessions it
	// deleted.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}

// ReuseError reports that a refresh token was presented again after it had
// been spent. It matches [ErrRefreshTokenReused] with errors.Is.
type ReuseError struct {
	Session Session   // the session the token belongs to
	SpentAt time.Time // when the token was first spent
}

func (e *ReuseError) Error() string {
	return "ginjwt: refresh token of session " + e.Session.ID + " reused"
}

// Is makes errors.Is(err, ErrRefreshTokenReused) true.
func (e *ReuseError) Is(target error) bool { return target == ErrRefreshTokenReused }
