package ginjwt

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims decoding. golang-jwt hands the claim set to encoding/json, which
// matches names case-insensitively with Unicode folding and lets the last
// of duplicate names win, and whose NumericDate accepts a JSON string of
// digits. A claim "SUB" or "ſub" would then overwrite "sub", and "exp":
// "1999999999" would pass as a number. UnmarshalJSON replaces that
// decoding with one pass over the object that decodes the registered
// claims by exact name and JSON type, and refuses the rest of the traps.

// errClaims is wrapped by every rejection of the claim set's shape.
var errClaims = errors.New("ginjwt: malformed claims")

func claimsErr(msg string) error { return errors.Join(errClaims, errors.New("ginjwt: "+msg)) }

// claimBit numbers the registered claims for duplicate detection.
var claimBit = map[string]uint16{
	"iss": 1 << 0, "sub": 1 << 1, "aud": 1 << 2, "exp": 1 << 3, "nbf": 1 << 4,
	"iat": 1 << 5, "jti": 1 << 6, "sid": 1 << 7, "token_type": 1 << 8,
	"scope": 1 << 9,
}

// UnmarshalJSON decodes a claim set strictly: the registered claims by
// their exact names and RFC 7519 types (exp, nbf, iat numbers; iss, sub,
// jti, sid, token_type, scope strings; aud a string or an array of strings), and
// it rejects a duplicate name, or a name that equals a registered one only
// under case folding. Custom claims are left for [Claims.Decode].
func (c *Claims) UnmarshalJSON(b []byte) error {
	*c = Claims{}
	sc := scanner{b: b}
	sc.space()
	if !sc.eat('{') {
		return claimsErr("the claim set is not a JSON object")
	}
	var seen uint16
	var others []string // names of custom claims, for duplicates
	sc.space()
	if sc.eat('}') {
		return nil
	}
	for {
		sc.space()
		name, err := sc.str()
		if err != nil {
			return err
		}
		sc.space()
		if !sc.eat(':') {
			return claimsErr("expected ':'")
		}
		sc.space()
		start := sc.i
		if err := sc.skip(); err != nil {
			return err
		}
		val := b[start:sc.i]
		if bit, ok := claimBit[name]; ok {
			if seen&bit != 0 {
				return claimsErr("duplicate claim " + strconv.Quote(name))
			}
			seen |= bit
			if err := c.setRegistered(name, val); err != nil {
				return err
			}
		} else {
			if r := reservedFold(name); r != "" {
				return claimsErr("claim " + strconv.Quote(name) + " differs from " + strconv.Quote(r) + " only in case")
			}
			for _, o := range others {
				if o == name {
					return claimsErr("duplicate claim " + strconv.Quote(name))
				}
			}
			others = append(others, name)
		}
		sc.space()
		if sc.eat('}') {
			break
		}
		if !sc.eat(',') {
			return claimsErr("expected ',' or '}'")
		}
	}
	sc.space()
	if sc.i != len(b) {
		return claimsErr("data after the claim set")
	}
	return nil
}

// setRegistered decodes the raw JSON value of a registered claim.
func (c *Claims) setRegistered(name string, val []byte) error {
	switch name {
	case "exp", "nbf", "iat":
		d, err := numericDate(val)
		if err != nil {
			return claimsErr(name + " must be a JSON number")
		}
		switch name {
		case "exp":
			c.ExpiresAt = d
		case "nbf":
			c.NotBefore = d
		default:
			c.IssuedAt = d
		}
		return nil
	case "aud":
		if len(val) == 0 || (val[0] != '"' && val[0] != '[') {
			return claimsErr("aud must be a string or an array of strings")
		}
		if err := c.Audience.UnmarshalJSON(val); err != nil {
			return claimsErr("aud must be a string or an array of strings")
		}
		return nil
	}
	str, err := (&scanner{b: val}).str()
	if err != nil {
		return claimsErr(name + " must be a JSON string")
	}
	switch name {
	case "iss":
		c.Issuer = str
	case "sub":
		c.Subject = str
	case "jti":
		c.ID = str
	case "sid":
		c.SessionID = str
	case "token_type":
		c.TokenType = str
	case "scope":
		c.Scope = str
	}
	return nil
}

// numericDate decodes a JSON number of seconds (RFC 7519 NumericDate), as
// golang-jwt does, but refuses anything that is not a number.
func numericDate(val []byte) (*jwt.NumericDate, error) {
	if len(val) == 0 || (val[0] != '-' && (val[0] < '0' || val[0] > '9')) {
		return nil, errClaims
	}
	f, err := strconv.ParseFloat(string(val), 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1<<53 {
		return nil, errClaims
	}
	whole, frac := math.Modf(f)
	return jwt.NewNumericDate(time.Unix(int64(whole), int64(frac*1e9))), nil
}

// scanner walks JSON text. golang-jwt has already checked that the text is
// valid JSON, but every step still checks what it reads, so that a caller
// that did not cannot make it misbehave.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(ch byte) bool {
	if s.i < len(s.b) && s.b[s.i] == ch {
		s.i++
		return true
	}
	return false
}

// str reads a JSON string and returns its value.
func (s *scanner) str() (string, error) {
	start := s.i
	if !s.eat('"') {
		return "", claimsErr("expected a string")
	}
	escaped := false
	for s.i < len(s.b) {
		switch ch := s.b[s.i]; {
		case ch == '"':
			s.i++
			if !escaped {
				return string(s.b[start+1 : s.i-1]), nil
			}
			var out string
			if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
				return "", claimsErr("bad string")
			}
			return out, nil
		case ch == '\\':
			escaped = true
			s.i += 2
		case ch >= 0x80:
			escaped = true // let encoding/json handle UTF-8 exactly as it would
			s.i++
		case ch < 0x20:
			return "", claimsErr("control character in a string")
		default:
			s.i++
		}
	}
	return "", claimsErr("unterminated string")
}

// skip moves past one JSON value of any kind.
func (s *scanner) skip() error {
	if s.i >= len(s.b) {
		return claimsErr("expected a value")
	}
	switch s.b[s.i] {
	case '"':
		_, err := s.str()
		return err
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, err := s.str(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return nil
			}
		}
		return claimsErr("unterminated value")
	}
	start := s.i
	for s.i < len(s.b) && !strings.ContainsRune(",}] \t\n\r", rune(s.b[s.i])) {
		s.i++
	}
	if s.i == start {
		return claimsErr("expected a value")
	}
	return nil
}
