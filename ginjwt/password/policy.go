package password

import (
	"fmt"
	"unicode/utf8"
)

// Validate checks pw against the policy, without hashing it: at least
// MinLength and at most MaxLength characters, counted as runes (so "é" is
// one character), and with bcrypt at most 72 bytes, since bcrypt would
// silently ignore the rest. It returns nil or an error that wraps
// [ErrPasswordTooShort] or [ErrPasswordTooLong]. Signup and password
// changes use it through [Hasher.Hash]; signin does not apply it.
func (h *Hasher) Validate(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < h.opts.MinLength:
		return fmt.Errorf("%w: %d characters, the minimum is %d", ErrPasswordTooShort, n, h.opts.MinLength)
	case n > h.opts.MaxLength:
		return fmt.Errorf("%w: %d characters, the maximum is %d", ErrPasswordTooLong, n, h.opts.MaxLength)
	case h.opts.Algorithm == Bcrypt && len(pw) > BcryptMaxBytes:
		return fmt.Errorf("%w: %d bytes, the maximum is %d bytes (bcrypt)", ErrPasswordTooLong, len(pw), BcryptMaxBytes)
	}
	return nil
}
