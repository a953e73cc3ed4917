// Package tokencache is ginjwt's cache of verified tokens: values keyed by
// the exact token string, bounded in entries and in key bytes, in shards
// that each evict an arbitrary entry when full. Every operation is O(1)
// whatever was inserted before, so a flood of distinct tokens only evicts:
// it never slows the look-ups of others. It is a package of its own so
// that the bench module can compare it with cache libraries on one
// workload (docs/benchmarks.md, "Token cache vs cache libraries").
package tokencache

import (
	"hash/maphash"
	"sync"
)

// Shards is the number of independently locked shards.
const Shards = 16

// Cache maps tokens to values of type V. The zero value is not usable:
// call New. A nil *Cache is not usable either; callers that turn caching
// off keep a nil pointer and test it.
type Cache[V any] struct {
	seed      maphash.Seed
	shards    [Shards]shard[V]
	maxPer    int // entries per shard
	maxBytesP int // key bytes per shard
}

// shard maps a token's 64-bit hash to its entry: the token is hashed once
// per look-up (the map's own hash of a uint64 is cheap), and a hit
// compares the whole token, so two tokens of one hash can only make each
// other miss.
type shard[V any] struct {
	mu    sync.RWMutex
	m     map[uint64]entry[V]
	bytes int
}

// entry is stored by value in the map: no allocation of its own.
type entry[V any] struct {
	key string
	val *V
}

// New returns a cache of at most entries tokens and maxBytes bytes of
// tokens (the values are not counted), or nil when entries is 0 or less.
func New[V any](entries, maxBytes int) *Cache[V] {
	if entries <= 0 {
		return nil
	}
	c := &Cache[V]{
		seed:      maphash.MakeSeed(),
		maxPer:    max(1, entries/Shards),
		maxBytesP: max(1, maxBytes/Shards),
	}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]entry[V])
	}
	return c
}

// locate returns raw's hash and the shard that holds it.
func (c *Cache[V]) locate(raw string) (uint64, *shard[V]) {
	h := maphash.String(c.seed, raw)
	return h, &c.shards[h%Shards]
}

// Get returns the value stored under raw, or nil. It is shared with every
// other caller of the same token: read it, never modify it.
func (c *Cache[V]) Get(raw string) *V {
	h, s := c.locate(raw)
	s.mu.RLock()
	e := s.m[h]
	s.mu.RUnlock()
	if e.val == nil || e.key != raw {
		return nil
	}
	return e.val
}

// Put stores v under key, unless key is already there or longer than a
// shard's byte bound. The cache keeps key itself, not a copy, until the
// entry is evicted: pass a string of its own (strings.Clone of a request
// header), not a view that would keep a larger buffer alive. The cache
// owns v from now on: neither it nor anything it points to may change.
func (c *Cache[V]) Put(key string, v *V) {
	if len(key) > c.maxBytesP || v == nil {
		return
	}
	h, s := c.locate(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[h]; ok {
		if old.key == key {
			return
		}
		s.bytes -= len(old.key) // another token of the same hash: replaced
		delete(s.m, h)
	}
	for len(s.m) >= c.maxPer || s.bytes+len(key) > c.maxBytesP {
		for k, old := range s.m { // an arbitrary entry: map iteration order is random
			s.bytes -= len(old.key)
			delete(s.m, k)
			break
		}
	}
	s.m[h] = entry[V]{key: key, val: v}
	s.bytes += len(key)
}

// Len returns the number of cached tokens.
func (c *Cache[V]) Len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.RLock()
		n += len(c.shards[i].m)
		c.shards[i].mu.RUnlock()
	}
	return n
}
