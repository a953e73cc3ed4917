package gormstore_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/gormstore"
	"github.com/ginjwt/ginjwt/internal/authtest"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// testClock is a settable clock for Config.Now, safe for concurrent use
// (the background purge reads it too).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now().UTC()} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestIntegrationTwoInstances: two servers behind a load balancer share
// one PostgreSQL database and the signing key, and nothing else: each has
// its own connection pool, store and engine, so no in-process state is
// shared. Refresh-token reuse is caught across them at once; a revocation
// through one is seen by the other within its cache bound (CacheTTL),
// which a shared fake clock steps over instead of sleeping.
func TestIntegrationTwoInstances(t *testing.T) {
	dsn := pgtest.CreateDatabase(t)
	clock := newTestClock()
	const cacheTTL = 2 * time.Second
	instance := func() *server {
		store := migratedStore(t, pgtest.Open(t, dsn))
		return authtest.NewServer(t, store, store, func(cfg *ginjwt.Config[gormstore.User]) {
			cfg.Now = clock.now
			cfg.CacheTTL = cacheTTL
		})
	}
	a, b := instance(), instance()

	uid := a.Signup(t, "twice@example.com")
	b.Expect(t, http.StatusConflict, authtest.SignupRequest("TWICE@example.com"))

	t.Run("refresh reuse across instances", func(t *testing.T) {
		p1 := b.Signin(t, "twice@example.com")
		// Both instances have loaded and cached the session as live.
		a.Profile(t, http.StatusOK, p1.AccessToken, uid)
		b.Profile(t, http.StatusOK, p1.AccessToken, uid)

		p2 := a.Refresh(t, p1.RefreshToken)
		rep := b.Expect(t, http.StatusUnauthorized, authtest.RefreshRequest(p1.RefreshToken))
		if d, _ := rep.Detail(); d != authtest.ReuseDetail {
			t.Errorf("replay through the other instance: detail %q, want %q", d, authtest.ReuseDetail)
		}
		// The family is revoked in the database: its refresh tokens are
		// refused by both at once, its access tokens by B (which saw the
		// reuse) at once and by A once its cached copy is stale.
		a.Expect(t, http.StatusUnauthorized, authtest.RefreshRequest(p2.RefreshToken))
		b.Expect(t, http.StatusUnauthorized, authtest.RefreshRequest(p2.RefreshToken))
		b.Profile(t, http.StatusUnauthorized, p1.AccessToken, uid)
		b.Profile(t, http.StatusUnauthorized, p2.AccessToken, uid)
		clock.add(cacheTTL)
		for _, p := range []ginjwt.TokenPair{p1, p2} {
			a.Profile(t, http.StatusUnauthorized, p.AccessToken, uid)
			b.Profile(t, http.StatusUnauthorized, p.AccessToken, uid)
		}
	})

	t.Run("logout across instances", func(t *testing.T) {
		p := a.Signin(t, "twice@example.com")
		keep := b.Signin(t, "twice@example.com") // another session
		b.Profile(t, http.StatusOK, p.AccessToken, uid)
		a.Profile(t, http.StatusOK, keep.AccessToken, uid)

		a.Expect(t, http.StatusNoContent, authtest.LogoutRequest(p.AccessToken))
		a.Profile(t, http.StatusUnauthorized, p.AccessToken, uid)
		b.Expect(t, http.StatusUnauthorized, authtest.RefreshRequest(p.RefreshToken))
		// B may go on trusting its cached copy for at most CacheTTL.
		clock.add(cacheTTL)
		b.Profile(t, http.StatusUnauthorized, p.AccessToken, uid)

		// The other session lives on, on both.
		a.Profile(t, http.StatusOK, keep.AccessToken, uid)
		b.Profile(t, http.StatusOK, keep.AccessToken, uid)
		keep = a.Refresh(t, keep.RefreshToken)
		b.Refresh(t, keep.RefreshToken)
	})

	t.Run("logout-all across instances", func(t *testing.T) {
		p, q := a.Signin(t, "twice@example.com"), b.Signin(t, "twice@example.com")
		for _, s := range []*server{a, b} {
			s.Profile(t, http.StatusOK, p.AccessToken, uid)
			s.Profile(t, http.StatusOK, q.AccessToken, uid)
		}
		b.Expect(t, http.StatusNoContent, authtest.LogoutAllRequest(q.AccessToken))
		clock.add(cacheTTL)
		for _, s := range []*server{a, b} {
			s.Profile(t, http.StatusUnauthorized, p.AccessToken, uid)
			s.Profile(t, http.StatusUnauthorized, q.AccessToken, uid)
			s.Expect(t, http.StatusUnauthorized, authtest.RefreshRequest(p.RefreshToken))
		}
	})
}
