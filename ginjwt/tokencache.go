package ginjwt

import (
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ginjwt/ginjwt/internal/tokencache"
)

// tokenCache remembers tokens that passed verification, keyed by the exact
// token string, so that a token the server has seen is not parsed and
// verified again: its signature cannot have changed. Lifetimes (exp, nbf,
// iat) are checked again on every hit, and the session and user checks that
// follow the parse run as always, so revocation is unaffected. A cache
// belongs to one key set: rotating the keys starts an empty one, so a
// token whose key left the set is never served from it.
//
// It is internal/tokencache's cache of Claims (bounded in entries and
// bytes, O(1) eviction: a flood of distinct valid tokens only evicts),
// under a type of ginjwt's own so that put can store a private copy.
type tokenCache tokencache.Cache[Claims]

// newTokenCache returns a cache of at most entries tokens and maxBytes
// token bytes, or nil when entries is 0 (caching off).
func newTokenCache(entries, maxBytes int) *tokenCache {
	return (*tokenCache)(tokencache.New[Claims](entries, maxBytes))
}

// get returns the verified claims of raw, or nil. They are shared with
// every other request of the same token: read them, never modify them
// (the middleware gives each request its own copy, see attach).
func (c *tokenCache) get(raw string) *Claims {
	return (*tokencache.Cache[Claims])(c).Get(raw)
}

// put stores the claims of a token that has just passed verification: a
// copy, immutable from now on, whose raw is the cache's key, a clone of
// raw rather than the request's header memory, and which carries its
// lifetime bounds with the leeway for the hits to check (live).
func (c *tokenCache) put(raw string, cl *Claims, leeway time.Duration) {
	stored := *cl
	stored.raw = strings.Clone(raw)
	stored.liveFrom, stored.liveUntil = math.MinInt64, math.MinInt64 // no exp: never live
	if cl.ExpiresAt != nil {
		stored.liveUntil = unixNano(cl.ExpiresAt.Add(leeway))
	}
	for _, t := range []*jwt.NumericDate{cl.NotBefore, cl.IssuedAt} {
		if t != nil {
			stored.liveFrom = max(stored.liveFrom, unixNano(t.Add(-leeway)))
		}
	}
	(*tokencache.Cache[Claims])(c).Put(stored.raw, &stored)
}

// len returns the number of cached tokens.
func (c *tokenCache) len() int {
	return (*tokencache.Cache[Claims])(c).Len()
}

// live checks the lifetime of cached claims at now (Unix nanoseconds),
// as the validator did when they were stored: exp not passed, nbf and iat
// not in the future, each with the leeway (the bounds put computed).
func (cl *Claims) live(now int64) error {
	switch {
	case now >= cl.liveUntil:
		return invalid(ErrTokenExpired, nil)
	case now < cl.liveFrom:
		return errTokenMalformed("token is not valid yet")
	}
	return nil
}

// unixNano is t.UnixNano, saturated at the ends of int64 (a NumericDate
// can be centuries away, where UnixNano is undefined).
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minNano):
		return math.MinInt64
	case t.After(maxNano):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var minNano, maxNano = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)
