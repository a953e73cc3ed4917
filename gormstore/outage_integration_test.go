package gormstore_test

import (
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/gormstore"
	"github.com/ginjwt/ginjwt/internal/authtest"
	"github.com/ginjwt/ginjwt/internal/pgtest"
	"github.com/ginjwt/ginjwt/internal/tcpproxy"
)

// recoveryDeadline bounds how long a test waits for the service to come
// back once the database is reachable again. It only turns "never" into a
// failure; recovery normally takes one request.
const recoveryDeadline = 30 * time.Second

// outageTimeout is the store deadline of the outage tests: short, so that
// a request that does wait for the database gives up soon.
const outageTimeout = time.Second

// viaProxy returns dsn (a URL DSN made by pgtest) rewritten to reach its
// server through a new tcpproxy.Proxy, and the proxy.
func viaProxy(t *testing.T, dsn string) (string, *tcpproxy.Proxy) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" || u.Query().Has("host") {
		t.Skipf("SKIPPING: the outage test needs a postgres:// URL DSN with host:port in %s, got another form", pgtest.EnvDSN)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	p := tcpproxy.Start(t, target)
	u.Host = p.Addr()
	return u.String(), p
}

// outageServer signs a user up and in on a server over db whose store
// gives up after outageTimeout and whose middleware asks the stores on
// every request (CacheTTL -1). It checks that the service works.
func outageServer(t *testing.T, db *gorm.DB) (s *server, p ginjwt.TokenPair, uid string) {
	t.Helper()
	store := migratedStore(t, db, gormstore.WithTimeout(outageTimeout))
	s = authtest.NewServer(t, store, store, func(cfg *ginjwt.Config[gormstore.User]) { cfg.CacheTTL = -1 })
	uid = s.Signup(t, "outage@example.com")
	p = s.Signin(t, "outage@example.com")
	s.Profile(t, http.StatusOK, p.AccessToken, uid)
	return s, p, uid
}

// mustBeUnavailable wants 503 with a {"detail": …} body: never 401 (the
// client did nothing wrong), never 500 (a panic under gin's Recovery).
func mustBeUnavailable(t *testing.T, s *server, req authtest.Request) {
	t.Helper()
	s.Expect(t, http.StatusServiceUnavailable, req)
}

// awaitRecovery sends req until it is answered 200 and returns how many
// 503s came first. Anything but 200 and 503 fails the test.
func awaitRecovery(t *testing.T, s *server, req authtest.Request) int {
	t.Helper()
	deadline := time.Now().Add(recoveryDeadline)
	for failures := 0; ; failures++ {
		rep := s.Must(t, req)
		switch {
		case rep.Code == http.StatusOK:
			return failures
		case rep.Code != http.StatusServiceUnavailable:
			t.Fatalf("%s %s while recovering = %v, want 200 or 503", req.Method, req.Path, rep)
		case time.Now().After(deadline):
			t.Fatalf("%s %s still 503 after %v: %v", req.Method, req.Path, recoveryDeadline, rep)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntegrationNetworkOutage: the database vanishes from the network
// (the proxy closes every connection and refuses new ones) and comes
// back. Meanwhile the protected route and the auth routes answer 503
// promptly; afterwards the same engine, over the same *gorm.DB, serves
// again without a restart.
func TestIntegrationNetworkOutage(t *testing.T) {
	dsn, proxy := viaProxy(t, pgtest.CreateDatabase(t))
	s, p, uid := outageServer(t, pgtest.Open(t, dsn))

	proxy.Cut()
	for range 3 {
		mustBeUnavailable(t, s, authtest.ProfileRequest(p.AccessToken))
		mustBeUnavailable(t, s, authtest.SigninRequest("outage@example.com", authtest.Password))
		mustBeUnavailable(t, s, authtest.RefreshRequest(p.RefreshToken))
		mustBeUnavailable(t, s, authtest.SignupRequest("another@example.com"))
	}

	proxy.Restore()
	awaitRecovery(t, s, authtest.ProfileRequest(p.AccessToken))
	s.Profile(t, http.StatusOK, p.AccessToken, uid)
	// The refresh token offered during the outage was not spent by it.
	p = s.Refresh(t, p.RefreshToken)
	s.Profile(t, http.StatusOK, p.AccessToken, uid)
	s.Signin(t, "outage@example.com")
	s.Signup(t, "another@example.com")
}

// terminateBackends terminates, through an administrator's connection of
// its own, every other server process of the database at dsn, as an
// administrator or a failover would, and returns how many it terminated:
// the connections the application's pool held.
func terminateBackends(t *testing.T, dsn string) int {
	t.Helper()
	admin := pgtest.Open(t, dsn)
	defer closeGorm(t, admin)
	var name string
	if err := admin.Raw("SELECT current_database()").Scan(&name).Error; err != nil {
		t.Fatal(err)
	}
	// The timeout (ms) makes each call wait until its backend has exited.
	var killed []bool
	err := admin.Raw("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", name).
		Scan(&killed).Error
	if err != nil {
		t.Fatal(err)
	}
	if len(killed) == 0 {
		t.Fatal("no backend to terminate: the application's pool holds no connection")
	}
	for i, ok := range killed {
		if !ok {
			t.Fatalf("backend %d of %d was not terminated", i+1, len(killed))
		}
	}
	return len(killed)
}

// terminatedServer is a server whose pooled connections were all killed
// on the server side, with the token pair of a signed-in user.
func terminatedServer(t *testing.T) (s *server, p ginjwt.TokenPair, uid string, killed int) {
	t.Helper()
	db, dsn := pgtest.DB(t)
	s, p, uid = outageServer(t, db)
	// Requests at once, so that the pool keeps more than one connection.
	s.Burst(t, 8, func(int) authtest.Request { return authtest.ProfileRequest(p.AccessToken) })
	return s, p, uid, terminateBackends(t, dsn)
}

// TestIntegrationBackendsTerminated: an administrator (or a failover)
// terminates every server process of the database, so each pooled
// connection is dead. The service recovers on its own, without a restart:
// a dead connection fails at most the one request that finds it (503),
// and once a request succeeds everything works.
func TestIntegrationBackendsTerminated(t *testing.T) {
	s, p, uid, killed := terminatedServer(t)
	failures := awaitRecovery(t, s, authtest.ProfileRequest(p.AccessToken))
	if failures > killed {
		t.Errorf("%d requests failed with 503 after %d connections were terminated, want at most one per connection", failures, killed)
	}
	for range 5 {
		s.Profile(t, http.StatusOK, p.AccessToken, uid)
	}
	p = s.Refresh(t, p.RefreshToken)
	s.Profile(t, http.StatusOK, p.AccessToken, uid)
	s.Signin(t, "outage@example.com")
}

// TestIntegrationBackendsTerminatedFirstRequestOnly is the stricter form
// of the test above: only the first request after the termination may
// fail.
func TestIntegrationBackendsTerminatedFirstRequestOnly(t *testing.T) {
	s, p, _, killed := terminatedServer(t)
	if failures := awaitRecovery(t, s, authtest.ProfileRequest(p.AccessToken)); failures > 1 {
		t.Errorf("%d requests failed with 503 after %d connections were terminated, want at most the first", failures, killed)
	}
}
