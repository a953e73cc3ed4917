package ginjwt

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// AccessTokenType is the "typ" header of access tokens (RFC 9068).
const AccessTokenType = "at+jwt"

// tokens issues and verifies access tokens. It is built once per Config;
// its key ring is swapped by Auth.SetKeys.
type tokens struct {
	ring     atomic.Pointer[keyring]
	swapMu   sync.Mutex // serialises swaps, so that epochs never repeat
	issuer   string
	audience string
	leeway   time.Duration
	now      func() time.Time

	cacheEntries, cacheBytes int // bounds of each key set's token cache
	ttl                      time.Duration
	maxLen                   int
	sessions                 bool // a sid is required
}

// keyring is one immutable key set with the parser that verifies its
// tokens: what the request path reads through one atomic load.
type keyring struct {
	set       KeySet
	epoch     uint64
	validator *jwt.Validator // golang-jwt's claim checks, with ParserOptions
	cache     *tokenCache    // tokens verified under this set; nil when off
}

func newTokens(ks KeySet, iss, aud string, s settings, sessions bool) *tokens {
	t := &tokens{
		issuer: iss, audience: aud, leeway: s.leeway, now: s.now,
		ttl: s.accessTTL, maxLen: s.maxTokenBytes, sessions: sessions,
		cacheEntries: s.tokenCache, cacheBytes: DefaultTokenCacheBytes,
	}
	t.swap(ks)
	return t
}

// swap installs ks for every request that starts after it returns; requests
// in flight finish with the ring they loaded.
func (t *tokens) swap(ks KeySet) uint64 {
	t.swapMu.Lock()
	defer t.swapMu.Unlock()
	r := &keyring{set: ks, cache: newTokenCache(t.cacheEntries, t.cacheBytes)}
	if old := t.ring.Load(); old != nil {
		r.epoch = old.epoch + 1
	}
	r.validator = jwt.NewValidator(parserOptions(ks.s.algs, t.issuer, t.audience, t.leeway, t.now)...)
	t.ring.Store(r)
	return r.epoch
}

// ParserOptions are the golang-jwt options ginjwt verifies access tokens
// with: the algorithm pinned, exp required, iat checked, iss and aud
// enforced when set, the leeway (0 is the default, 30s; [NoLeeway] is
// none, as in Config.Leeway), and strict base64. ginjwt checks claims
// with golang-jwt's validator built from them (see jws.go for the rest);
// they are exported so that other verifiers using golang-jwt's parser
// (and the benchmarks) can use exactly the same ones.
func ParserOptions(alg, issuer, audience string, leeway time.Duration, now func() time.Time) []jwt.ParserOption {
	// The same meaning as Config.Leeway: zero is the default, negative
	// (NoLeeway) is none.
	switch {
	case leeway == 0:
		leeway = DefaultLeeway
	case leeway < 0:
		leeway = 0
	}
	return parserOptions([]string{alg}, issuer, audience, leeway, now)
}

func parserOptions(algs []string, issuer, audience string, leeway time.Duration, now func() time.Time) []jwt.ParserOption {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(algs),
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

// parse verifies a compact access token and returns its claims, the
// caller's own.
func (t *tokens) parse(raw string) (*Claims, error) {
	claims, err := t.parseAt(raw, t.now())
	if err != nil {
		return nil, err
	}
	return claims.clone(), nil
}

// parseAt is parse with the time of the request, read once by the caller.
// The claims it returns may be the token cache's, shared by concurrent
// requests: read them, never modify them.
func (t *tokens) parseAt(raw string, now time.Time) (*Claims, error) {
	if len(raw) > t.maxLen {
		return nil, invalid(ErrTokenTooLarge, nil)
	}
	r := t.ring.Load()
	if r.cache != nil {
		// A cached token passed every check below when it was stored.
		if claims := r.cache.get(raw); claims != nil {
			if err := claims.live(now.UnixNano()); err != nil {
				return nil, err
			}
			return claims, nil
		}
	}
	if !compactJWS(raw) {
		return nil, errTokenMalformed("a character outside base64url and '.'")
	}
	claims := &Claims{}
	if err := r.verify(raw, claims); err != nil { // jws.go
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
	if r.cache != nil {
		r.cache.put(raw, claims, t.leeway)
	}
	return claims, nil
}

// compactJWS reports whether raw can be a compact JWS as far as golang-jwt
// cannot tell: its strict base64url decoder refuses every other stray
// character, but skips CR and LF, so without this check one token would
// have many accepted spellings.
func compactJWS(raw string) bool {
	return strings.IndexByte(raw, '\n') < 0 && strings.IndexByte(raw, '\r') < 0
}

// issue signs an access token for sub in session sid, with the scope
// claim scope ("" for none).
func (t *tokens) issue(sub, sid, scope string, now time.Time, extra map[string]any) (string, time.Time, error) {
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
		Scope:     scope,
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
	k := &t.ring.Load().set.s.keys[0]
	tok := jwt.NewWithClaims(k.alg.method, claims)
	tok.Header["typ"] = AccessTokenType
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.signingKey())
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
