package ginjwt

import (
	"hash/maphash"
	"strings"
	"sync"
	"time"
)

// tokenCache remembers tokens that passed verification, keyed by the exact
// token string, so that a token the server has seen is not parsed and
// verified again: its signature cannot have changed. Lifetimes (exp, nbf,
// iat) are checked again on every hit, and the session and user checks that
// follow the parse run as always, so revocation is unaffected. A cache
// belongs to one key set: rotating the keys starts an empty one, so a
// token whose key left the set is never served from it.
//
// It is bounded in entries and in bytes, in shards that each evict an
// arbitrary entry when full: O(1) whatever is inserted, so a flood of
// distinct valid tokens only evicts, it never slows the lookups of others.
type tokenCache struct {
	seed      maphash.Seed
	shards    [tokenCacheShards]tokenShard
	maxPer    int // entries per shard
	maxBytesP int // token bytes per shard
}

const tokenCacheShards = 16

// tokenShard maps a token's 64-bit hash to its claims: the token is
// hashed once per look-up (the map's own hash of a uint64 is cheap), and a
// hit compares the whole token, so two tokens of one hash can only make
// each other miss.
type tokenShard struct {
	mu    sync.RWMutex
	m     map[uint64]*Claims // immutable once stored: readers copy before use
	bytes int
}

// newTokenCache returns a cache of at most entries tokens and maxBytes
// token bytes, or nil when entries is 0 (caching off).
func newTokenCache(entries, maxBytes int) *tokenCache {
	if entries <= 0 {
		return nil
	}
	c := &tokenCache{
		seed:      maphash.MakeSeed(),
		maxPer:    max(1, entries/tokenCacheShards),
		maxBytesP: max(1, maxBytes/tokenCacheShards),
	}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]*Claims)
	}
	return c
}

// locate returns raw's hash and the shard that holds it.
func (c *tokenCache) locate(raw string) (uint64, *tokenShard) {
	h := maphash.String(c.seed, raw)
	return h, &c.shards[h%tokenCacheShards]
}

// get returns the verified claims of raw, or nil. They are shared with
// every other request of the same token: read them, never modify them
// (the middleware gives each request its own copy, see attach).
func (c *tokenCache) get(raw string) *Claims {
	h, s := c.locate(raw)
	s.mu.RLock()
	cl := s.m[h]
	s.mu.RUnlock()
	if cl == nil || cl.raw != raw {
		return nil
	}
	return cl
}

// put stores the claims of a token that has just passed verification.
func (c *tokenCache) put(raw string, cl *Claims) {
	if len(raw) > c.maxBytesP {
		return
	}
	h, s := c.locate(raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[h]; ok {
		if old.raw == raw {
			return
		}
		s.bytes -= len(old.raw) // another token of the same hash: replaced
		delete(s.m, h)
	}
	for len(s.m) >= c.maxPer || s.bytes+len(raw) > c.maxBytesP {
		for k, old := range s.m { // an arbitrary entry: map iteration order is random
			s.bytes -= len(old.raw)
			delete(s.m, k)
			break
		}
	}
	stored := *cl
	stored.raw = strings.Clone(raw) // not the request's header memory
	s.m[h] = &stored
	s.bytes += len(raw)
}

// len returns the number of cached tokens.
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.RLock()
		n += len(c.shards[i].m)
		c.shards[i].mu.RUnlock()
	}
	return n
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
