package ginjwt

import (
	"strings"
	"time"

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
// raw rather than the request's header memory.
func (c *tokenCache) put(raw string, cl *Claims) {
	stored := *cl
	stored.raw = strings.Clone(raw)
	(*tokencache.Cache[Claims])(c).Put(stored.raw, &stored)
}

// len returns the number of cached tokens.
func (c *tokenCache) len() int {
	return (*tokencache.Cache[Claims])(c).Len()
}

// current checks the lifetimes of cached claims at now, as the parser
// does: exp required and not passed, nbf and iat not in the future, each
// with the leeway.
func (cl *Claims) current(now time.Time, leeway time.Duration) error {
	switch {
	case cl.ExpiresAt == nil:
		return errTokenMalformed("exp is missing")
	case !now.Before(cl.ExpiresAt.Add(leeway)):
		return invalid(ErrTokenExpired, nil)
	case cl.NotBefore != nil && now.Before(cl.NotBefore.Add(-leeway)):
		return errTokenMalformed("token is not valid yet")
	case cl.IssuedAt != nil && now.Before(cl.IssuedAt.Add(-leeway)):
		return errTokenMalformed("token used before issued")
	}
	return nil
}
