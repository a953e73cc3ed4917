package gormstore_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/gormstore"
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
		return newServer(t, store, func(cfg *ginjwt.Config[gormstore.User]) {
			cfg.Now = clock.now
			cfg.CacheTTL = cacheTTL
		})
	}
	a, b := instance(), instance()

	uid := a.signup(t, "twice@example.com")
	b.expect(t, http.StatusConflict, signupReq("TWICE@example.com"))

	t.Run("refresh reuse across instances", func(t *testing.T) {
		p1 := b.signin(t, "twice@example.com")
		// Both instances have loaded and cached the session as live.
		a.profile(t, http.StatusOK, p1.AccessToken, uid)
		b.profile(t, http.StatusOK, p1.AccessToken, uid)

		p2 := a.refresh(t, p1.RefreshToken)
		rep := b.expect(t, http.StatusUnauthorized, refreshReq(p1.RefreshToken))
		if d, _ := rep.detail(); d != "Refresh token has already been used; the session has been revoked" {
			t.Errorf("replay through the other instance: detail %q, want the reuse message", d)
		}
		// The family is revoked in the database: its refresh tokens are
		// refused by both at once, its access tokens by B (which saw the
		// reuse) at once and by A once its cached copy is stale.
		a.expect(t, http.StatusUnauthorized, refreshReq(p2.RefreshToken))
		b.expect(t, http.StatusUnauthorized, refreshReq(p2.RefreshToken))
		b.profile(t, http.StatusUnauthorized, p1.AccessToken, uid)
		b.profile(t, http.StatusUnauthorized, p2.AccessToken, uid)
		clock.add(cacheTTL)
		for _, p := range []ginjwt.TokenPair{p1, p2} {
			a.profile(t, http.StatusUnauthorized, p.AccessToken, uid)
			b.profile(t, http.StatusUnauthorized, p.AccessToken, uid)
		}
	})

	t.Run("logout across instances", func(t *testing.T) {
		p := a.signin(t, "twice@example.com")
		keep := b.signin(t, "twice@example.com") // another session
		b.profile(t, http.StatusOK, p.AccessToken, uid)
		a.profile(t, http.StatusOK, keep.AccessToken, uid)

		a.expect(t, http.StatusNoContent, logoutReq(p.AccessToken))
		a.profile(t, http.StatusUnauthorized, p.AccessToken, uid)
		b.expect(t, http.StatusUnauthorized, refreshReq(p.RefreshToken))
		// B may go on trusting its cached copy for at most CacheTTL.
		clock.add(cacheTTL)
		b.profile(t, http.StatusUnauthorized, p.AccessToken, uid)

		// The other session lives on, on both.
		a.profile(t, http.StatusOK, keep.AccessToken, uid)
		b.profile(t, http.StatusOK, keep.AccessToken, uid)
		keep = a.refresh(t, keep.RefreshToken)
		b.refresh(t, keep.RefreshToken)
	})

	t.Run("logout-all across instances", func(t *testing.T) {
		p, q := a.signin(t, "twice@example.com"), b.signin(t, "twice@example.com")
		for _, s := range []*server{a, b} {
			s.profile(t, http.StatusOK, p.AccessToken, uid)
			s.profile(t, http.StatusOK, q.AccessToken, uid)
		}
		b.expect(t, http.StatusNoContent, request{method: "POST", path: "/auth/logout-all", token: q.AccessToken})
		clock.add(cacheTTL)
		for _, s := range []*server{a, b} {
			s.profile(t, http.StatusUnauthorized, p.AccessToken, uid)
			s.profile(t, http.StatusUnauthorized, q.AccessToken, uid)
			s.expect(t, http.StatusUnauthorized, refreshReq(p.RefreshToken))
		}
	})
}
