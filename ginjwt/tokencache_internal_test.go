package ginjwt

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"
)

// The cache holds a copy of the claims, whose raw is a clone: neither the
// parser's claims nor the request's header memory is shared with it.
func TestTokenCacheStoresAPrivateCopy(t *testing.T) {
	c := newTokenCache(64, 1<<20)
	header := "Bearer token.a.sig"
	raw := header[len("Bearer "):]
	cl := &Claims{Scope: "a", raw: raw}
	c.put(raw, cl, 0)
	cl.Scope = "changed after put"

	got := c.get(strings.Clone(raw))
	switch {
	case got == nil:
		t.Fatal("the token was not cached")
	case got == cl || got.Scope != "a":
		t.Fatalf("the cache shares the parser's claims (scope %q)", got.Scope)
	case got.raw != raw || unsafe.StringData(got.raw) == unsafe.StringData(raw):
		t.Fatal("the cached claims' raw is not a clone of the token")
	}
	if c.len() != 1 {
		t.Fatalf("len %d, want 1", c.len())
	}
	if newTokenCache(0, 1<<20) != nil {
		t.Fatal("0 entries must turn the cache off (nil)")
	}
}

// A cached token's lifetime is checked on every hit against the bounds
// stored with it: exp, nbf and iat with the leeway, as the validator
// checked them, and dates beyond int64 nanoseconds saturate instead of
// wrapping around.
func TestCachedTokenLifetimeBounds(t *testing.T) {
	const leeway = 30 * time.Second
	base := time.Unix(1_800_000_000, 0)
	date := func(t time.Time) *jwt.NumericDate { return jwt.NewNumericDate(t) }
	for _, tc := range []struct {
		name          string
		claims        Claims
		at            time.Time
		expired, live bool
	}{
		{"before exp", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base)}}, base.Add(-time.Second), false, true},
		{"in the leeway after exp", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base)}}, base.Add(leeway - time.Nanosecond), false, true},
		{"at exp + leeway", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base)}}, base.Add(leeway), true, false},
		{"no exp", Claims{}, base, true, false},
		{"nbf ahead, within the leeway", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base.Add(time.Hour)), NotBefore: date(base.Add(leeway))}}, base, false, true},
		{"nbf ahead, past the leeway", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base.Add(time.Hour)), NotBefore: date(base.Add(leeway + time.Second))}}, base, false, false},
		{"iat ahead, past the leeway", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base.Add(time.Hour)), IssuedAt: date(base.Add(leeway + time.Second))}}, base, false, false},
		{"exp in the year 3000", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))}}, base, false, true},
		{"nbf in the year 3000", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(time.Date(3001, 1, 1, 0, 0, 0, 0, time.UTC)), NotBefore: date(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))}}, base, false, false},
		{"iat in 1000 BC", Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: date(base.Add(time.Hour)), IssuedAt: date(time.Date(-1000, 1, 1, 0, 0, 0, 0, time.UTC))}}, base, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTokenCache(64, 1<<20)
			cl := tc.claims
			c.put("token.a.sig", &cl, leeway)
			err := c.get("token.a.sig").live(tc.at.UnixNano())
			if tc.live != (err == nil) || tc.expired != errors.Is(err, ErrTokenExpired) {
				t.Fatalf("live: %v; want live %v, expired %v", err, tc.live, tc.expired)
			}
		})
	}
}
