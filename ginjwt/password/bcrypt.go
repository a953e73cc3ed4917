package password

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// A bcrypt hash is 60 bytes: "$2a$", "$2b$" or "$2y$", a two-digit cost,
// "$", then 22 characters of salt and 31 of hash in bcrypt's own base64
// alphabet. golang.org/x/crypto/bcrypt parses hashes loosely (it accepts
// other prefixes and costs up to 31), so they are checked here first.

const bcryptHashLen = 60

// parseBcryptCost checks the layout of a bcrypt hash and returns its cost.
// Every error wraps ErrInvalidHash and never quotes the input.
func parseBcryptCost(s string) (int, error) {
	if len(s) != bcryptHashLen {
		return 0, fmt.Errorf("%w: bcrypt: want %d bytes, got %d", ErrInvalidHash, bcryptHashLen, len(s))
	}
	if s[0] != '$' || s[1] != '2' || (s[2] != 'a' && s[2] != 'b' && s[2] != 'y') || s[3] != '$' || s[6] != '$' {
		return 0, fmt.Errorf("%w: bcrypt: want prefix $2a$, $2b$ or $2y$ and a two-digit cost", ErrInvalidHash)
	}
	if !isDigit(s[4]) || !isDigit(s[5]) {
		return 0, fmt.Errorf("%w: bcrypt: cost is not two digits", ErrInvalidHash)
	}
	cost := int(s[4]-'0')*10 + int(s[5]-'0')
	if cost < bcrypt.MinCost || cost > MaxBcryptCost {
		return 0, fmt.Errorf("%w: bcrypt: cost %d is outside %d to %d", ErrInvalidHash, cost, bcrypt.MinCost, MaxBcryptCost)
	}
	for i := 7; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '/') {
			return 0, fmt.Errorf("%w: bcrypt: invalid character in salt or hash", ErrInvalidHash)
		}
	}
	return cost, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// compareBcrypt reports whether pw matches the checked bcrypt hash s.
// A password over 72 bytes never matches: bcrypt would compare only its
// first 72 bytes and accept the correct prefix followed by anything. Such a
// password still pays for one comparison, so that its answer takes as long
// as any other.
func compareBcrypt(s, pw string) (bool, error) {
	if len(pw) > BcryptMaxBytes {
		_ = bcrypt.CompareHashAndPassword([]byte(s), nil)
		return false, nil
	}
	err := bcrypt.CompareHashAndPassword([]byte(s), []byte(pw))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		// The salt or hash did not decode (for example non-zero trailing
		// bits); the layout check above lets few such cases through.
		return false, fmt.Errorf("%w: bcrypt: %w", ErrInvalidHash, err)
	}
}
