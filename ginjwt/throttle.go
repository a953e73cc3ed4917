package ginjwt

import (
	"context"
	"sync"
	"time"
)

// Throttle limits sign-in attempts per key (ginjwt uses the normalised
// email and the client IP, so one attacker cannot lock other clients out of
// an account). Every attempt counts until a success resets the key, and the
// check and the count are one step, so parallel guesses cannot all slip in
// before the first failure is recorded. The default is
// [NewMemoryThrottle]; a shared store (Redis, say) can implement it for
// several instances.
type Throttle interface {
	// Attempt records an attempt by key at now and returns 0, or, when key
	// has used up its attempts, records nothing and returns how long it
	// must wait.
	Attempt(ctx context.Context, key string, now time.Time) (time.Duration, error)
	// Reset forgets key's attempts (after a success).
	Reset(ctx context.Context, key string) error
}

// Default sign-in throttle: after 10 attempts without a success within 15
// minutes, the next attempt is refused until the window has passed.
const (
	DefaultThrottleLimit  = 10
	DefaultThrottleWindow = 15 * time.Minute
)

// MemoryThrottle is an in-process [Throttle]: a sliding window of the last
// limit attempts per key. It is safe for concurrent use, and its memory is
// bounded: keys whose attempts have all left the window are swept.
type MemoryThrottle struct {
	limit  int
	window time.Duration

	mu        sync.Mutex
	attempts  map[string][]time.Time // at most limit entries, oldest first
	lastSweep time.Time
}

// NewMemoryThrottle returns a throttle that refuses a key after limit
// attempts without a success within window. Zero values take the defaults (10, 15m).
func NewMemoryThrottle(limit int, window time.Duration) *MemoryThrottle {
	if limit <= 0 {
		limit = DefaultThrottleLimit
	}
	if window <= 0 {
		window = DefaultThrottleWindow
	}
	return &MemoryThrottle{limit: limit, window: window, attempts: map[string][]time.Time{}}
}

// Attempt implements [Throttle].
func (t *MemoryThrottle) Attempt(_ context.Context, key string, now time.Time) (time.Duration, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.live(key, now)
	if len(f) >= t.limit {
		wait := f[0].Add(t.window).Sub(now)
		if wait < time.Second {
			wait = time.Second
		}
		return wait, nil
	}
	t.sweep(now)
	t.attempts[key] = append(f, now)
	return 0, nil
}

// Reset implements [Throttle].
func (t *MemoryThrottle) Reset(_ context.Context, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.attempts, key)
	return nil
}

// live drops key's attempts that have left the window. The caller holds mu.
func (t *MemoryThrottle) live(key string, now time.Time) []time.Time {
	f := t.attempts[key]
	i := 0
	for i < len(f) && !now.Before(f[i].Add(t.window)) {
		i++
	}
	if i == len(f) {
		delete(t.attempts, key)
		return nil
	}
	return f[i:]
}

// sweep forgets keys with no attempt in the window, at most once a window.
func (t *MemoryThrottle) sweep(now time.Time) {
	if now.Sub(t.lastSweep) < t.window {
		return
	}
	t.lastSweep = now
	for k := range t.attempts {
		t.live(k, now)
	}
}
