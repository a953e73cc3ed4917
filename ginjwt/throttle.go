package ginjwt

import (
	"context"
	"sync"
	"time"
)

// Throttle limits failed sign-in attempts per key (ginjwt uses the
// normalised email and the client IP, so one attacker cannot lock other
// clients out of an account). The default is [NewMemoryThrottle]; a shared
// store (Redis, say) can implement it for several instances.
type Throttle interface {
	// Check returns 0 when key may try now, or how long it must wait.
	Check(ctx context.Context, key string, now time.Time) (time.Duration, error)
	// Fail records a failed attempt by key at now.
	Fail(ctx context.Context, key string, now time.Time) error
	// Reset forgets key's failures (after a success).
	Reset(ctx context.Context, key string) error
}

// Default sign-in throttle: after 10 failures within 15 minutes, the next
// attempt is refused until the window has passed.
const (
	DefaultThrottleLimit  = 10
	DefaultThrottleWindow = 15 * time.Minute
)

// MemoryThrottle is an in-process [Throttle]: a sliding window of the last
// Limit failures per key. It is safe for concurrent use, and its memory is
// bounded: keys whose failures have all left the window are swept.
type MemoryThrottle struct {
	limit  int
	window time.Duration

	mu        sync.Mutex
	fails     map[string][]time.Time // at most limit entries, oldest first
	lastSweep time.Time
}

// NewMemoryThrottle returns a throttle that refuses a key after limit
// failures within window. Zero values take the defaults (10, 15m).
func NewMemoryThrottle(limit int, window time.Duration) *MemoryThrottle {
	if limit <= 0 {
		limit = DefaultThrottleLimit
	}
	if window <= 0 {
		window = DefaultThrottleWindow
	}
	return &MemoryThrottle{limit: limit, window: window, fails: map[string][]time.Time{}}
}

// Check implements [Throttle].
func (t *MemoryThrottle) Check(_ context.Context, key string, now time.Time) (time.Duration, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.live(key, now)
	if len(f) < t.limit {
		return 0, nil
	}
	wait := f[0].Add(t.window).Sub(now)
	if wait < time.Second {
		wait = time.Second
	}
	return wait, nil
}

// Fail implements [Throttle].
func (t *MemoryThrottle) Fail(_ context.Context, key string, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	f := append(t.live(key, now), now)
	if len(f) > t.limit {
		f = f[len(f)-t.limit:]
	}
	t.fails[key] = f
	return nil
}

// Reset implements [Throttle].
func (t *MemoryThrottle) Reset(_ context.Context, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
	return nil
}

// live drops key's failures that have left the window. The caller holds mu.
func (t *MemoryThrottle) live(key string, now time.Time) []time.Time {
	f := t.fails[key]
	i := 0
	for i < len(f) && !now.Before(f[i].Add(t.window)) {
		i++
	}
	if i == len(f) {
		delete(t.fails, key)
		return nil
	}
	return f[i:]
}

// sweep forgets keys with no failure in the window, at most once a window.
func (t *MemoryThrottle) sweep(now time.Time) {
	if now.Sub(t.lastSweep) < t.window {
		return
	}
	t.lastSweep = now
	for k := range t.fails {
		t.live(k, now)
	}
}
