package ginjwt

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// AccessTokenType is the "typ" header of access tokens (RFC 9068).
const AccessTokenType = "at+jwt"

// tokens issues and verifies access tokens. It is built once per Config.
type tokens struct {
	method   jwt.SigningMethod
	key      []byte
	kid      string
	issuer   string
	audience string
	ttl      time.Duration
	maxLen   int
	sessions bool // a sid is required
	parser   *jwt.Parser
	keyfunc  jwt.Keyfunc
}

func newTokens(method jwt.SigningMethod, key []byte, kid, iss, aud string, s settings, sessions bool) *tokens {
	t := &tokens{
		method: method, key: key, kid: kid, issuer: iss, audience: aud,
		ttl: s.accessTTL, maxLen: s.maxTokenBytes, sessions: sessions,
	}
	t.parser = jwt.NewParser(ParserOptions(method.Alg(), iss, aud, s.leeway, s.now)...)
	t.keyfunc = t.checkHeader
	return t
}

// ParserOptions are the golang-jwt parser options ginjwt verifies access
// tokens with: the algorithm pinned, exp required, iat checked, iss and aud
// enforced when set, the leeway, and strict base64. They are exported so
// that other verifiers (and the benchmarks) can use exactly the same ones.
func ParserOptions(alg, issuer, audience string, leeway time.Duration, now func() time.Time) []jwt.ParserOption {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{alg}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithStrictDecoding(),
	}
	if issuer != "" {
		opts = append(opts, jwt.WithIssuer(issuer))
	}
	if audience != "" {
		opts = append(opts, jwt.WithAudience(audience))
	}
	if now != nil {
		opts = append(opts, jwt.WithTimeFunc(now))
	}
	return opts
}

// checkHeader is the keyfunc: golang-jwt calls it after decoding the header
// and before checking the signature, so the checks it lacks come first.
func (t *tokens) checkHeader(tok *jwt.Token) (any, error) {
	typ, _ := tok.Header["typ"].(string)
	if !strings.EqualFold(typ, AccessTokenType) && !strings.EqualFold(typ, "application/"+AccessTokenType) {
		return nil, ErrTokenType
	}
	if _, ok := tok.Header["crit"]; ok {
		return nil, ErrCritHeader
	}
	if kid, ok := tok.Header["kid"]; ok && !sameString(kid, t.kid) {
		return nil, ErrUnknownKey
	}
	return t.key, nil
}

// sameString compares a decoded header value with s without boxing s.
func sameString(v any, s string) bool {
	str, ok := v.(string)
	return ok && str == s
}

// parse verifies a compact access token and returns its claims.
func (t *tokens) parse(raw string) (*Claims, error) {
	if len(raw) > t.maxLen {
		return nil, invalid(ErrTokenTooLarge, nil)
	}
	if !compactJWS(raw) {
		return nil, errTokenMalformed("a character outside base64url and '.'")
	}
	claims := &Claims{}
	if _, err := t.parser.ParseWithClaims(raw, claims, t.keyfunc); err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, invalid(ErrTokenExpired, err)
		}
		return nil, invalid(nil, err)
	}
	switch {
	case claims.TokenType != "access":
		return nil, invalid(ErrTokenType, nil)
	case claims.Subject == "":
		return nil, errTokenMalformed("sub is empty")
	case t.sessions && claims.SessionID == "":
		return nil, errTokenMalformed("sid is missing")
	}
	claims.raw = raw
	return claims, nil
}

// compactJWS reports whether raw can be a compact JWS as far as golang-jwt
// cannot tell: its strict base64url decoder refuses every other stray
// character, but skips CR and LF, so without this check one token would
// have many accepted spellings.
func compactJWS(raw string) bool {
	return strings.IndexByte(raw, '\n') < 0 && strings.IndexByte(raw, '\r') < 0
}

// issue signs an access token for sub in session sid.
func (t *tokens) issue(sub, sid string, now time.Time, extra map[string]any) (string, time.Time, error) {
	exp := now.Add(t.ttl)
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   sub,
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        randomID(),
		},
		SessionID: sid,
		TokenType: "access",
	}
	if t.audience != "" {
		c.Audience = jwt.ClaimStrings{t.audience}
	}
	var claims jwt.Claims = c
	if len(extra) > 0 {
		m, err := mergeClaims(c, extra)
		if err != nil {
			return "", time.Time{}, err
		}
		claims = m
	}
	tok := jwt.NewWithClaims(t.method, claims)
	tok.Header["typ"] = AccessTokenType
	if t.kid != "" {
		tok.Header["kid"] = t.kid
	}
	s, err := tok.SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("ginjwt: signing access token: %w", err)
	}
	return s, exp, nil
}

// randomID returns 128 random bits, base64url-encoded.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
