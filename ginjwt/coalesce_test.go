package ginjwt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// gatedStore is a memstore whose user and session reads are counted and
// wait for their gate (or their context) before answering.
type gatedStore struct {
	*memstore.Store
	userGate, sessionGate chan struct{}
	userReads, sessReads  atomic.Int32
}

func newGatedStore(s *memstore.Store) *gatedStore {
	return &gatedStore{Store: s, userGate: make(chan struct{}), sessionGate: make(chan struct{})}
}

func (g *gatedStore) FindUserByID(ctx context.Context, id string) (memstore.User, error) {
	return gated(ctx, g.userGate, &g.userReads, func() (memstore.User, error) { return g.Store.FindUserByID(ctx, id) })
}

func (g *gatedStore) Session(ctx context.Context, id string) (ginjwt.Session, error) {
	return gated(ctx, g.sessionGate, &g.sessReads, func() (ginjwt.Session, error) { return g.Store.Session(ctx, id) })
}

// gated counts a read, then waits for gate (or ctx) before doing it.
func gated[T any](ctx context.Context, gate <-chan struct{}, reads *atomic.Int32, read func() (T, error)) (T, error) {
	reads.Add(1)
	select {
	case <-gate:
		return read()
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// joins counts, by key, the requests that joined a read in flight.
type joins struct {
	mu sync.Mutex
	n  map[string]int
}

func watchJoins(t *testing.T) *joins {
	j := &joins{n: map[string]int{}}
	ginjwt.OnSharedRead(t, func(key string) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.n[key]++
	})
	return j
}

func (j *joins) of(key string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n[key]
}

// waitFor polls cond until it holds; a test that waits in vain fails
// after a minute rather than hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

// coalesceFixture: a gated store behind the middleware, and a token whose
// session and user the cache no longer holds (the clock has moved past
// CacheTTL since they were issued).
func coalesceFixture(t *testing.T) (*fixture, *gatedStore, *ginjwt.Auth[memstore.User], ginjwt.TokenPair, *clock) {
	f := newFixture(t)
	gs := newGatedStore(f.store)
	clk := newClock()
	f.cfg.Users, f.cfg.Sessions, f.cfg.Now = gs, gs, clk.now
	p := f.pair(t)
	clk.add(ginjwt.DefaultCacheTTL + time.Second)
	return f, gs, ginjwt.MustCompile(f.cfg), p, clk
}

func serveAsync(h http.Handler, req *http.Request) <-chan int {
	done := make(chan int, 1)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		done <- w.Code
	}()
	return done
}

func meRequest(ctx context.Context, token string) *http.Request {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// When the cached session and user lapse, the requests that arrive
// together make one read of each, not one per request.
func TestConcurrentMissesShareOneRead(t *testing.T) {
	j := watchJoins(t)
	f, gs, auth, p, _ := coalesceFixture(t)
	h := engine[memstore.User](auth.Middleware())
	claims, err := auth.ParseAccessToken(p.AccessToken)
	require.NoError(t, err)

	const n = 8
	var codes []<-chan int
	for range n {
		codes = append(codes, serveAsync(h, meRequest(context.Background(), p.AccessToken)))
	}
	waitFor(t, "the session read to be shared", func() bool { return j.of(claims.SessionID) == n-1 })
	close(gs.sessionGate)
	waitFor(t, "the user read to be shared", func() bool { return j.of(f.user.Subject()) == n-1 })
	close(gs.userGate)
	for _, c := range codes {
		require.Equal(t, http.StatusOK, <-c)
	}
	require.EqualValues(t, 1, gs.sessReads.Load(), "session reads")
	require.EqualValues(t, 1, gs.userReads.Load(), "user reads")

	// The shared read was cached: the next request reads nothing.
	require.Equal(t, http.StatusOK, do(t, h, http.MethodGet, "/api/me", nil, bearer(p.AccessToken)...).Code)
	require.EqualValues(t, 1, gs.userReads.Load(), "user reads after the cache was filled")
}

// A read that started before the user was invalidated here may have read
// what the invalidation was about: a request arriving after it reads for
// itself.
func TestReadFromBeforeAnInvalidationIsNotShared(t *testing.T) {
	j := watchJoins(t)
	f, gs, auth, p, clk := coalesceFixture(t)
	h := engine[memstore.User](auth.Middleware())
	close(gs.sessionGate)

	first := serveAsync(h, meRequest(context.Background(), p.AccessToken))
	waitFor(t, "the first user read", func() bool { return gs.userReads.Load() == 1 })
	clk.add(time.Second)
	auth.InvalidateUser(f.user.Subject())
	clk.add(time.Second)
	second := serveAsync(h, meRequest(context.Background(), p.AccessToken))
	waitFor(t, "the second request's own user read", func() bool { return gs.userReads.Load() == 2 })
	close(gs.userGate)
	require.Equal(t, http.StatusOK, <-first)
	require.Equal(t, http.StatusOK, <-second)
	require.Zero(t, j.of(f.user.Subject()), "a request joined a read from before the invalidation")
}

// A client that hangs up while its request leads a read does not fail the
// requests waiting on that read: they read for themselves.
func TestLeaderHangingUpDoesNotFailTheOthers(t *testing.T) {
	j := watchJoins(t)
	f, gs, auth, p, _ := coalesceFixture(t)
	h := engine[memstore.User](auth.Middleware())
	close(gs.sessionGate)

	ctx, hangUp := context.WithCancel(context.Background())
	leader := serveAsync(h, meRequest(ctx, p.AccessToken))
	waitFor(t, "the leader's user read", func() bool { return gs.userReads.Load() == 1 })
	follower := serveAsync(h, meRequest(context.Background(), p.AccessToken))
	waitFor(t, "the follower to join", func() bool { return j.of(f.user.Subject()) == 1 })
	hangUp()
	<-leader // its client is gone; what it was answered does not matter
	waitFor(t, "the follower's own user read", func() bool { return gs.userReads.Load() == 2 })
	close(gs.userGate)
	require.Equal(t, http.StatusOK, <-follower)
}

// With caching off (negative CacheTTL) every request reads the stores:
// nothing is shared.
func TestNoSharedReadsWithCachingOff(t *testing.T) {
	j := watchJoins(t)
	f := newFixture(t)
	gs := newGatedStore(f.store)
	f.cfg.Users, f.cfg.Sessions, f.cfg.CacheTTL = gs, gs, -1
	p := f.pair(t)
	h := engine[memstore.User](ginjwt.New(f.cfg))
	close(gs.sessionGate)

	const n = 4
	var codes []<-chan int
	for range n {
		codes = append(codes, serveAsync(h, meRequest(context.Background(), p.AccessToken)))
	}
	waitFor(t, "every request's own user read", func() bool { return gs.userReads.Load() == n })
	close(gs.userGate)
	for _, c := range codes {
		require.Equal(t, http.StatusOK, <-c)
	}
	require.Zero(t, j.of(f.user.Subject()))
}
