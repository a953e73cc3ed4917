package ginjwt

import (
	"errors"
	"fmt"
)

// Store errors. Stores return these (possibly wrapped) so that ginjwt can
// tell a client problem from an unavailable store.
var (
	// ErrUserNotFound: no user has that id or email.
	ErrUserNotFound = errors.New("ginjwt: user not found")
	// ErrUserExists: a user with that normalised email already exists.
	ErrUserExists = errors.New("ginjwt: user already exists")
	// ErrUsernameTaken: a user with that normalised username already
	// exists. It matches ErrUserExists too.
	ErrUsernameTaken = fmt.Errorf("%w: username taken", ErrUserExists)
	// ErrEmptyEmail: CreateUser was given an empty normalised email, which
	// a store refuses (it would match every other empty one).
	ErrEmptyEmail = errors.New("ginjwt: a user needs a normalised email")
	// ErrSessionNotFound: no live session matches (unknown, revoked or
	// expired).
	ErrSessionNotFound = errors.New("ginjwt: session not found")
	// ErrRefreshTokenReused: a spent refresh token was presented again. See
	// [ReuseError].
	ErrRefreshTokenReused = errors.New("ginjwt: refresh token reused")
)

// Token errors. Every rejection of a presented token matches ErrTokenInvalid
// and, where it applies, one of the more precise sentinels below; errors
// that come from golang-jwt stay in the chain, so
// errors.Is(err, jwt.ErrTokenExpired) holds as well.
var (
	// ErrTokenMissing: the request carries no token.
	ErrTokenMissing = errors.New("ginjwt: token missing")
	// ErrSchemeNotAccepted: the request carries credentials of a scheme
	// that is not configured (for example Basic).
	ErrSchemeNotAccepted = errors.New("ginjwt: authorization scheme not accepted")
	// ErrTokenInvalid: a token was presented and rejected.
	ErrTokenInvalid = errors.New("ginjwt: invalid token")
	// ErrTokenExpired: the token's exp has passed (beyond the leeway).
	ErrTokenExpired = errors.New("ginjwt: token has expired")
	// ErrTokenTooLarge: the token is longer than Config.MaxTokenBytes.
	ErrTokenTooLarge = errors.New("ginjwt: token too large")
	// ErrTokenType: the typ header or the token_type claim is not that of
	// an access token.
	ErrTokenType = errors.New("ginjwt: wrong token type")
	// ErrCritHeader: the token has a crit header, which ginjwt never honours.
	ErrCritHeader = errors.New("ginjwt: crit header not supported")
	// ErrUnknownKey: the token's kid names no configured key, or it has no
	// kid while the key set holds several keys of its algorithm.
	ErrUnknownKey = errors.New("ginjwt: unknown key id")
	// ErrKeyAlgorithm: the token's alg is not the one pinned for its kid.
	ErrKeyAlgorithm = errors.New("ginjwt: algorithm does not match the key")
	// ErrSessionRevoked: the token's session was revoked or has expired.
	ErrSessionRevoked = errors.New("ginjwt: session revoked")
	// ErrUserInactive: the token's user no longer exists or is inactive.
	ErrUserInactive = errors.New("ginjwt: user missing or inactive")
	// ErrStoreUnavailable: a store failed; the request is answered 503.
	ErrStoreUnavailable = errors.New("ginjwt: store unavailable")
	// ErrForbidden: the user lacks a permission the route requires.
	ErrForbidden = errors.New("ginjwt: insufficient permission")
)

// Request errors, as an [ErrorRenderer] sees them.
var (
	// ErrBadRequest: a malformed body, a missing or wrongly typed field,
	// or a value outside the input policy (400).
	ErrBadRequest = errors.New("ginjwt: bad request")
	// ErrRequestTooLarge: a body over Config.MaxBodyBytes (413).
	ErrRequestTooLarge = errors.New("ginjwt: request body too large")
	// ErrInvalidCredentials: a wrong email or password at sign-in, or a
	// wrong current password (401).
	ErrInvalidCredentials = errors.New("ginjwt: invalid credentials")
	// ErrThrottled: too many attempts on an account from one client (429).
	ErrThrottled = errors.New("ginjwt: too many attempts")
	// ErrRejected: a hook refused the request (see [Reject]).
	ErrRejected = errors.New("ginjwt: rejected")
	// ErrCSRF: a request authenticated by cookie with an unsafe method
	// lacks the CSRF token, or sends a wrong one (403).
	ErrCSRF = errors.New("ginjwt: CSRF token missing or wrong")
	// ErrForeignOrigin: in cookie mode, a request from an origin that is
	// neither the server's nor a trusted one (403).
	ErrForeignOrigin = errors.New("ginjwt: foreign origin")
	// ErrNotJSON: in cookie mode, a body that is not declared JSON (415).
	ErrNotJSON = errors.New("ginjwt: request body must be application/json")
)

// invalid wraps cause as a rejected token, with an optional precise reason.
func invalid(reason, cause error) error {
	switch {
	case reason == nil && cause == nil:
		return ErrTokenInvalid
	case reason == nil:
		return fmt.Errorf("%w: %w", ErrTokenInvalid, cause)
	case cause == nil:
		return fmt.Errorf("%w: %w", ErrTokenInvalid, reason)
	}
	return fmt.Errorf("%w: %w: %w", ErrTokenInvalid, reason, cause)
}

func errTokenMalformed(msg string) error {
	return fmt.Errorf("%w: %s", ErrTokenInvalid, msg)
}

// unavailable wraps a store failure.
func unavailable(cause error) error {
	return fmt.Errorf("%w: %w", ErrStoreUnavailable, cause)
}
