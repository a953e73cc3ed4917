package ginjwt

import "errors"

// Store errors. Stores return these (possibly wrapped) so that ginjwt can
// tell a client problem from an unavailable store.
var (
	// ErrUserNotFound: no user has that id or email.
	ErrUserNotFound = errors.New("ginjwt: user not found")
	// ErrUserExists: a user with that normalised email already exists.
	ErrUserExists = errors.New("ginjwt: user already exists")
	// ErrSessionNotFound: no live session matches (unknown, revoked or
	// expired).
	ErrSessionNotFound = errors.New("ginjwt: session not found")
	// ErrRefreshTokenReused: a spent refresh token was presented again. See
	// [ReuseError].
	ErrRefreshTokenReused = errors.New("ginjwt: refresh token reused")
)
