package password

import "errors"

// Policy errors. [Hasher.Validate] and [Hasher.Hash] return them wrapped
// with a detail that names the limit, for example
// "password: too short: 7 characters, the minimum is 8". The detail never
// contains the password, so an HTTP layer may show it to the client (400).
var (
	// ErrPasswordTooShort: the password has fewer characters (runes) than
	// the configured minimum.
	ErrPasswordTooShort = errors.New("password: too short")
	// ErrPasswordTooLong: the password has more characters (runes) than the
	// configured maximum, or more bytes than the hashing algorithm can take
	// without truncating it (bcrypt: 72 bytes).
	ErrPasswordTooLong = errors.New("password: too long")
)

// ErrInvalidHash: a stored hash is empty, malformed, uses an unsupported
// algorithm, or asks for parameters beyond the limits this package accepts
// (see [MaxMemory] and the other limits). [Hasher.Verify] returns it wrapped
// with a detail that never contains the hash itself.
var ErrInvalidHash = errors.New("password: invalid hash")

// ErrBusy: too many callers were already waiting for a hashing slot
// (Options.MaxQueue), or none came free within Options.MaxWait. The server
// is overloaded; an HTTP layer answers 503 with Retry-After.
var ErrBusy = errors.New("password: busy: too many hashes waiting")
