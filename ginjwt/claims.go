package ginjwt

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the claims of a ginjwt access token. Registered claims come
// from golang-jwt; custom claims added through Config.ExtraClaims are read
// back with [Claims.Decode].
type Claims struct {
	jwt.RegisteredClaims
	// SessionID ("sid") names the session the token belongs to.
	SessionID string `json:"sid,omitempty"`
	// TokenType ("token_type") is always "access" for an access token.
	TokenType string `json:"token_type"`
	// Scope ("scope") holds the user's scopes when the token was issued,
	// separated by spaces (RFC 8693 §4.2); see [Claims.Scopes] and
	// Config.Scopes.
	Scope string `json:"scope,omitempty"`

	raw string // the compact token, kept for Decode

	// On claims in the token cache: the Unix nanoseconds from which and
	// until which the token is live, with the leeway (tokenCache.put).
	liveFrom, liveUntil int64
}

// Decode unmarshals the token's whole claim set into v (a pointer to a
// struct with json tags), so that custom claims can be read back typed.
func (c *Claims) Decode(v any) error {
	parts := strings.Split(c.raw, ".")
	if len(parts) != 3 {
		return errors.New("ginjwt: claims were not parsed from a token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("ginjwt: decoding claims: %w", err)
	}
	return json.Unmarshal(payload, v)
}

// reservedClaims may not be set through Config.ExtraClaims, not even in
// another case: Go's JSON decoder matches names case-insensitively.
var reservedClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "nbf": true,
	"iat": true, "jti": true, "sid": true, "token_type": true,
	"scope": true,
}

// reservedFold returns the reserved claim that name equals under Unicode
// case folding ("SUB", "ſub" and "sub" all give "sub"), or "".
func reservedFold(name string) string {
	for r := range reservedClaims {
		if strings.EqualFold(name, r) {
			return r
		}
	}
	return ""
}

// mergeClaims adds extra claims to the standard ones, refusing to override
// any reserved claim.
func mergeClaims(c Claims, extra map[string]any) (jwt.MapClaims, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	m := jwt.MapClaims{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if r := reservedFold(k); r != "" {
			return nil, fmt.Errorf("ginjwt: ExtraClaims may not set the reserved claim %q (%q matches it: JSON decoders compare names case-insensitively)", r, k)
		}
		m[k] = v
	}
	return m, nil
}
