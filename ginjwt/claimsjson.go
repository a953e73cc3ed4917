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
	var seen uint16
	var others []string // names of custom claims, for duplicates
	return eachMember(b, "claim set", func(name string, val []byte) error {
		if bit, ok := claimBit[name]; ok {
			if seen&bit != 0 {
				return claimsErr("duplicate claim " + strconv.Quote(name))
			}
			seen |= bit
			return c.setRegistered(name, val)
		}
		if r := reservedFold(name); r != "" {
			return claimsErr("claim " + strconv.Quote(name) + " differs from " + strconv.Quote(r) + " only in case")
		}
		for _, o := range others {
			if o == name {
				return claimsErr("duplicate claim " + strconv.Quote(name))
			}
		}
		others = append(others, name)
		return nil
	})
}

// eachMember walks the JSON object b (what names it, for errors) and calls
// fn with each member's name and raw value, in order. It checks the whole
// text, so that it needs no other JSON pass: the object's syntax, every
// value (see skip) and that nothing follows the object.
func eachMember(b []byte, what string, fn func(name string, val []byte) error) error {
	sc := scanner{b: b}
	sc.space()
	if !sc.eat('{') {
		return claimsErr("the " + what + " is not a JSON object")
	}
	sc.space()
	if !sc.eat('}') {
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
			if err := fn(name, b[start:sc.i]); err != nil {
				return err
			}
			sc.space()
			if sc.eat('}') {
				break
			}
			if !sc.eat(',') {
				return claimsErr("expected ',' or '}'")
			}
		}
	}
	sc.space()
	if sc.i != len(b) {
		return claimsErr("data after the " + what)
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
	if !jsonNumber(val) {
		return nil, errClaims
	}
	f, err := strconv.ParseFloat(string(val), 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1<<53 {
		return nil, errClaims
	}
	whole, frac := math.Modf(f)
	return jwt.NewNumericDate(time.Unix(int64(whole), int64(frac*1e9))), nil
}

// scanner walks JSON text and checks what it reads: it is the only JSON
// pass over a token's header and claims (see jws.go).
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

// skip moves past one JSON value of any kind, and checks it: a string
// (str), a number (jsonNumber), true, false or null; an object or array is
// delimited here and checked by encoding/json (custom claims seldom have
// one).
func (s *scanner) skip() error {
	if s.i >= len(s.b) {
		return claimsErr("expected a value")
	}
	start := s.i
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
				if !json.Valid(s.b[start:s.i]) {
					return claimsErr("malformed JSON value")
				}
				return nil
			}
		}
		return claimsErr("unterminated value")
	}
	for s.i < len(s.b) && !strings.ContainsRune(",}] \t\n\r", rune(s.b[s.i])) {
		s.i++
	}
	switch v := s.b[start:s.i]; {
	case string(v) == "true", string(v) == "false", string(v) == "null", jsonNumber(v):
		return nil
	case len(v) == 0:
		return claimsErr("expected a value")
	}
	return claimsErr("malformed JSON value")
}

// jsonNumber reports whether v is a JSON number (RFC 8259 §6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func jsonNumber(v []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(v) && '0' <= v[i] && v[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(v) && v[i] == '-' {
		i++
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}
