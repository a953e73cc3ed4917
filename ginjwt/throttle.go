package ginjwt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// Throttle limits sign-in attempts per [ThrottleKey]: one account from one
// client, so that one attacker cannot lock other clients out of an
// account. Every attempt counts until a success resets the key, and the
// check and the count are one step, so parallel guesses cannot all slip in
// before the first failure is recorded. The default is
// [NewMemoryThrottle]; a shared store (Redis, say) can implement it for
// several instances, using [ThrottleKey.String] as its key.
type Throttle interface {
	// Attempt records an attempt by key at now and returns 0, or, when key
	// has used up its attempts, records nothing and returns how long it
	// must wait.
	Attempt(ctx context.Context, key ThrottleKey, now time.Time) (time.Duration, error)
	// Reset forgets key's attempts (after a success).
	Reset(ctx context.Context, key ThrottleKey) error
	// ResetAccount forgets the attempts on one account from every client
	// (after the account's password was reset, say).
	ResetAccount(ctx context.Context, account Digest) error
}

// Digest is a fixed-size digest of something a client sent: a throttle
// remembers digests, never the input, so its memory does not grow with
// what clients send.
type Digest [16]byte

// String returns the digest in hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// ThrottleKey is what a [Throttle] counts attempts by: the digest of a
// normalised account identifier and the digest of a client address.
type ThrottleKey struct {
	Account Digest
	Client  Digest
}

// String returns "<account hex>:<client hex>", 65 bytes whatever the
// input was; a store can delete every key of an account by its prefix.
func (k ThrottleKey) String() string { return k.Account.String() + ":" + k.Client.String() }

// AccountDigest returns the digest of an account identifier of a kind:
// "user" for a user id (what sign-in and /password count an existing
// user's attempts by), "email" or "username" for the normalised
// identifier of a sign-in that names no user.
func AccountDigest(kind, id string) Digest { return digest("account\x00" + kind + "\x00" + id) }

// ClientDigest returns the digest of a client address (already reduced to
// the prefix that identifies one client; see Config.ThrottleIPv6Prefix).
func ClientDigest(addr string) Digest { return digest("client\x00" + addr) }

func digest(s string) Digest {
	sum := sha256.Sum256([]byte(s))
	return Digest(sum[:16])
}

// Default sign-in throttle: after 10 attempts without a success within 15
// minutes, the next attempt is refused until the window has passed. The
// in-memory throttle remembers at most DefaultThrottleMaxKeys keys.
const (
	DefaultThrottleLimit   = 10
	DefaultThrottleWindow  = 15 * time.Minute
	DefaultThrottleMaxKeys = 100_000
)

// evictScan is how many of the least recently used keys eviction looks at
// to find one that is not locked out.
const evictScan = 16

// MemoryThrottle is an in-process [Throttle]: a sliding window of the last
// limit attempts per key. It is safe for concurrent use, and its memory is
// bounded: keys are fixed-size digests, each keeps at most limit times,
// keys whose attempts have left the window are dropped, and it never holds
// more than maxKeys keys.
//
// When it is full, a new key evicts the least recently used key that is
// not locked out, among the evictScan oldest; only when all of those are
// locked out does it evict the oldest lockout. A lockout is therefore lost
// to eviction only after maxKeys other keys were used since it was last
// touched and the oldest of them are lockouts too. With the defaults that
// takes 100,000 sign-ins, each costing the attacker a password hash, within
// the lockout's window: far more than a server hashes in 15 minutes at
// production parameters, which is the trade-off that keeps memory bounded.
type MemoryThrottle struct {
	limit   int
	window  time.Duration
	maxKeys int

	mu   sync.Mutex
	keys map[ThrottleKey]*throttleEntry
	lru  throttleEntry // sentinel of a ring: lru.next is the least recently used
}

// throttleEntry is one key's attempts, oldest first, in unix nanoseconds.
type throttleEntry struct {
	key        ThrottleKey
	at         []int64
	prev, next *throttleEntry
}

// NewMemoryThrottle returns a throttle that refuses a key after limit
// attempts without a success within window, remembering at most maxKeys
// keys. Zero values take the defaults (10, 15m, 100,000).
func NewMemoryThrottle(limit int, window time.Duration, maxKeys int) *MemoryThrottle {
	if limit <= 0 {
		limit = DefaultThrottleLimit
	}
	if window <= 0 {
		window = DefaultThrottleWindow
	}
	if maxKeys <= 0 {
		maxKeys = DefaultThrottleMaxKeys
	}
	t := &MemoryThrottle{limit: limit, window: window, maxKeys: maxKeys, keys: map[ThrottleKey]*throttleEntry{}}
	t.lru.prev, t.lru.next = &t.lru, &t.lru
	return t
}

// Attempt implements [Throttle].
func (t *MemoryThrottle) Attempt(_ context.Context, key ThrottleKey, now time.Time) (time.Duration, error) {
	ns := now.UnixNano()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expireOldest(ns)
	e := t.keys[key]
	if e != nil {
		t.dropExpired(e, ns)
		t.unlink(e)
		t.pushBack(e)
		if len(e.at) >= t.limit {
			wait := time.Duration(e.at[0] + int64(t.window) - ns)
			return max(wait, time.Second), nil
		}
	} else {
		if len(t.keys) >= t.maxKeys {
			t.evict(ns)
		}
		e = &throttleEntry{key: key, at: make([]int64, 0, min(t.limit, 16))}
		t.keys[key] = e
		t.pushBack(e)
	}
	e.at = append(e.at, ns)
	return 0, nil
}

// Reset implements [Throttle].
func (t *MemoryThrottle) Reset(_ context.Context, key ThrottleKey) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.keys[key]; e != nil {
		t.remove(e)
	}
	return nil
}

// ResetAccount implements [Throttle]. It scans every key: it is meant for
// rare events such as a password reset.
func (t *MemoryThrottle) ResetAccount(_ context.Context, account Digest) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.keys {
		if k.Account == account {
			t.remove(e)
		}
	}
	return nil
}

// Len returns how many keys the throttle remembers now.
func (t *MemoryThrottle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.keys)
}

// dropExpired forgets e's attempts that have left the window.
func (t *MemoryThrottle) dropExpired(e *throttleEntry, ns int64) {
	i := 0
	for i < len(e.at) && e.at[i]+int64(t.window) <= ns {
		i++
	}
	if i > 0 {
		n := copy(e.at, e.at[i:])
		e.at = e.at[:n]
	}
}

// expireOldest drops least recently used keys whose every attempt has left
// the window, so that idle keys do not wait for eviction.
func (t *MemoryThrottle) expireOldest(ns int64) {
	for e := t.lru.next; e != &t.lru; {
		next := e.next
		if len(e.at) > 0 && e.at[len(e.at)-1]+int64(t.window) > ns {
			return
		}
		t.remove(e)
		e = next
	}
}

// evict makes room for one key; see the type's documentation.
func (t *MemoryThrottle) evict(ns int64) {
	victim := t.lru.next
	e := victim
	for i := 0; i < evictScan && e != &t.lru; i++ {
		t.dropExpired(e, ns)
		if len(e.at) < t.limit {
			victim = e
			break
		}
		e = e.next
	}
	if victim != &t.lru {
		t.remove(victim)
	}
}

func (t *MemoryThrottle) remove(e *throttleEntry) {
	t.unlink(e)
	delete(t.keys, e.key)
}

func (t *MemoryThrottle) unlink(e *throttleEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (t *MemoryThrottle) pushBack(e *throttleEntry) {
	e.prev, e.next = t.lru.prev, &t.lru
	t.lru.prev.next = e
	t.lru.prev = e
}
