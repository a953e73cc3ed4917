package password

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// An argon2id hash is stored as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// with salt and key in standard base64 without padding. Parsing is strict:
// exactly this layout, decimal numbers without sign or leading zeros, no
// optional fields, canonical base64, parameters within the limits. A string
// that parses therefore encodes back to itself.

const argon2idPrefix = "$argon2id$"

// maxEncodedLen is far above the longest hash within the limits (about 210
// bytes); longer input is refused before any parsing.
const maxEncodedLen = 512

var b64 = base64.RawStdEncoding.Strict()

// argon2Hash is a parsed argon2id PHC string.
type argon2Hash struct {
	params Params
	salt   []byte
	key    []byte
}

// encode returns the PHC string of h.
func (h argon2Hash) encode() string {
	p := h.params
	b := make([]byte, 0, 64+b64.EncodedLen(len(h.salt))+b64.EncodedLen(len(h.key)))
	b = append(b, argon2idPrefix...)
	b = append(b, "v="...)
	b = strconv.AppendUint(b, argon2.Version, 10)
	b = append(b, "$m="...)
	b = strconv.AppendUint(b, uint64(p.Memory), 10)
	b = append(b, ",t="...)
	b = strconv.AppendUint(b, uint64(p.Time), 10)
	b = append(b, ",p="...)
	b = strconv.AppendUint(b, uint64(p.Threads), 10)
	b = append(b, '$')
	b = b64.AppendEncode(b, h.salt)
	b = append(b, '$')
	b = b64.AppendEncode(b, h.key)
	return string(b)
}

// parseArgon2id parses a PHC string strictly. Every error wraps
// ErrInvalidHash and never quotes the input.
func parseArgon2id(s string) (argon2Hash, error) {
	var h argon2Hash
	if len(s) > maxEncodedLen {
		return h, fmt.Errorf("%w: longer than %d bytes", ErrInvalidHash, maxEncodedLen)
	}
	rest, ok := strings.CutPrefix(s, argon2idPrefix)
	if !ok {
		return h, fmt.Errorf("%w: not an argon2id PHC string", ErrInvalidHash)
	}
	fields := strings.Split(rest, "$")
	if len(fields) != 4 {
		return h, fmt.Errorf("%w: argon2id: want 4 fields after the algorithm, got %d", ErrInvalidHash, len(fields))
	}
	version, ok := strings.CutPrefix(fields[0], "v=")
	if !ok {
		return h, fmt.Errorf("%w: argon2id: missing version", ErrInvalidHash)
	}
	v, err := parseDecimal(version)
	if err != nil || v != argon2.Version {
		return h, fmt.Errorf("%w: argon2id: unsupported version", ErrInvalidHash)
	}
	params := strings.Split(fields[1], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("%w: argon2id: want parameters m, t and p", ErrInvalidHash)
	}
	var mtp [3]uint32
	for i, name := range [3]string{"m=", "t=", "p="} {
		num, ok := strings.CutPrefix(params[i], name)
		if !ok {
			return h, fmt.Errorf("%w: argon2id: parameter %d is not %s", ErrInvalidHash, i+1, name[:1])
		}
		if mtp[i], err = parseDecimal(num); err != nil {
			return h, fmt.Errorf("%w: argon2id: parameter %s: %w", ErrInvalidHash, name[:1], err)
		}
	}
	if mtp[2] > MaxThreads {
		return h, fmt.Errorf("%w: argon2id: p %d exceeds %d", ErrInvalidHash, mtp[2], MaxThreads)
	}
	if h.salt, err = decodeB64(fields[2]); err != nil {
		return h, fmt.Errorf("%w: argon2id: salt: %w", ErrInvalidHash, err)
	}
	if h.key, err = decodeB64(fields[3]); err != nil {
		return h, fmt.Errorf("%w: argon2id: key: %w", ErrInvalidHash, err)
	}
	h.params = Params{
		Memory:  mtp[0],
		Time:    mtp[1],
		Threads: uint8(mtp[2]),
		SaltLen: uint32(len(h.salt)),
		KeyLen:  uint32(len(h.key)),
	}
	if err := h.params.check(); err != nil {
		return h, fmt.Errorf("%w: argon2id: %w", ErrInvalidHash, err)
	}
	return h, nil
}

// parseDecimal parses a canonical unsigned decimal that fits in 32 bits:
// digits only, no sign, no leading zero.
func parseDecimal(s string) (uint32, error) {
	if s == "" {
		return 0, errors.New("empty number")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, errors.New("leading zero")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a decimal number")
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, errors.New("out of range")
	}
	return uint32(n), nil
}

// decodeB64 decodes canonical unpadded standard base64. The alphabet is
// checked first because the decoder silently skips CR and LF.
func decodeB64(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, errors.New("invalid base64 character")
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, errors.New("invalid base64")
	}
	return b, nil
}
