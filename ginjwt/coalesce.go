package ginjwt

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// coalescer shares one store read among the requests that miss the cache
// for the same key while it runs: when a cached user or session lapses (or
// on a cold start), the N requests in flight for it make one store call,
// not N. Only the first caller (the leader) reads and caches; the others
// wait for its result or for their own context.
type coalescer[T any] struct {
	mu sync.Mutex
	m  map[string]*flight[T]
}

// flight is one store read in progress.
type flight[T any] struct {
	started time.Time // the leader's request time: what the cache records
	done    chan struct{}
	val     T
	err     error
}

// testHookJoined, when set by a test, is called each time a request joins
// a read in flight instead of starting its own.
var testHookJoined atomic.Pointer[func(key string)]

// do returns read's result for key. It joins a read in flight for key when
// shareable(that read's start) allows, and otherwise runs read itself with
// started = now (replacing, for later callers, a read that may not be
// shared). A leader whose own context ended gives no answer to share: the
// requests that were waiting on it read for themselves. A nil shareable
// shares nothing: read runs on its own (an Auth that does not cache).
func (g *coalescer[T]) do(ctx context.Context, key string, now time.Time, shareable func(started time.Time) bool, read func(ctx context.Context, started time.Time) (T, error)) (T, error) {
	if shareable == nil {
		return read(ctx, now)
	}
	g.mu.Lock()
	if f, ok := g.m[key]; ok && shareable(f.started) {
		g.mu.Unlock()
		if hook := testHookJoined.Load(); hook != nil {
			(*hook)(key)
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if leaderGone(f.err) && ctx.Err() == nil {
			return read(ctx, now)
		}
		return f.val, f.err
	}
	if g.m == nil {
		g.m = map[string]*flight[T]{}
	}
	f := &flight[T]{started: now, done: make(chan struct{})}
	g.m[key] = f
	g.mu.Unlock()

	finished := false
	defer func() {
		if !finished { // read panicked: the waiters must not take a zero value
			f.err = errReadPanicked
		}
		g.mu.Lock()
		if g.m[key] == f {
			delete(g.m, key)
		}
		g.mu.Unlock()
		close(f.done)
	}()
	f.val, f.err = read(ctx, now)
	finished = true
	return f.val, f.err
}

var errReadPanicked = errors.New("ginjwt: the store read these requests shared panicked")

// leaderGone reports whether a shared read failed because its leader's
// request ended (the client hung up), which says nothing about the store.
func leaderGone(err error) bool {
	return errors.Is(err, context.Canceled)
}
