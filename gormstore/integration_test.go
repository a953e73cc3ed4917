package gormstore_test

// HTTP-level tests of the ready-made auth routes (ginjwt.Mount) over the
// GORM store on real databases: a SQLite file and the local PostgreSQL.
// This file holds the shared harness and the tests that run on both; the
// PostgreSQL-only tests of several instances and of outages sit beside it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/password"
	"github.com/ginjwt/ginjwt/gormstore"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

func init() { gin.SetMode(gin.TestMode) }

// itKey signs every token of these tests: 32 bytes, as HS256 requires.
var itKey = []byte("gormstore-integration-key-32byte")

// itHasher hashes cheaply: the tests must not spend seconds on argon2id.
var itHasher = password.MustNew(password.TestingOptions())

const itPassword = "correct horse battery"

// requestDeadline turns a hung request into a test failure. Nothing waits
// for it when the code works: store calls give up after their own timeout.
const requestDeadline = 30 * time.Second

// raceTimeout is the store deadline of the tests that are about
// concurrency, not deadlines: a 50-way burst under the race detector on a
// busy two-core machine may queue for longer than the 3 s default without
// anything being wrong, and a 503 there would hide what the test checks.
const raceTimeout = 30 * time.Second

// itBackend is a database engine. fresh creates an empty database and
// returns how to open it; every handle it opens is closed in t.Cleanup
// (closing one twice is harmless, so a test may close it earlier).
type itBackend struct {
	name  string
	fresh func(t *testing.T) (open func(t *testing.T) *gorm.DB)
}

var itBackends = []itBackend{
	{name: "sqlite", fresh: freshSQLiteFile},
	{name: "postgres", fresh: freshPostgresDB},
}

func freshSQLiteFile(t *testing.T) func(*testing.T) *gorm.DB {
	path := filepath.Join(t.TempDir(), "auth.db")
	return func(t *testing.T) *gorm.DB {
		t.Helper()
		db, err := gorm.Open(sqlite.Open(gormstore.SQLiteDSN(path)), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		t.Cleanup(func() { closeGorm(t, db) })
		return db
	}
}

func freshPostgresDB(t *testing.T) func(*testing.T) *gorm.DB {
	dsn := pgtest.CreateDatabase(t)
	return func(t *testing.T) *gorm.DB { return pgtest.Open(t, dsn) }
}

func closeGorm(t *testing.T, db *gorm.DB) {
	t.Helper()
	sqlDB, err := db.DB()
	if err == nil {
		err = sqlDB.Close()
	}
	if err != nil {
		t.Errorf("closing the database: %v", err)
	}
}

// onEachBackend runs f as a subtest per backend, each with a fresh
// database.
func onEachBackend(t *testing.T, f func(t *testing.T, open func(*testing.T) *gorm.DB)) {
	t.Helper()
	for _, b := range itBackends {
		t.Run(b.name, func(t *testing.T) { f(t, b.fresh(t)) })
	}
}

// migratedStore returns a store over db with its tables created, as a
// server does at start-up.
func migratedStore(t *testing.T, db *gorm.DB, opts ...gormstore.Option) *gormstore.Store[gormstore.User] {
	t.Helper()
	s, err := gormstore.New[gormstore.User](db, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), requestDeadline)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

// server is one running instance of an application: the auth routes under
// /auth and a protected GET /api/profile that answers the current user.
type server struct {
	r *gin.Engine
}

// newServer builds an engine over store, as the example server does, with
// gin's Recovery so that a panic would show up as a 500. tweak adjusts the
// Config before it is compiled.
func newServer(t *testing.T, store *gormstore.Store[gormstore.User], tweak ...func(*ginjwt.Config[gormstore.User])) *server {
	t.Helper()
	cfg := ginjwt.Config[gormstore.User]{
		SigningKey: itKey,
		Users:      store,
		Sessions:   store,
		Passwords:  itHasher,
		Logger:     slog.New(slog.DiscardHandler), // the replies say enough
	}
	for _, f := range tweak {
		f(&cfg)
	}
	r := gin.New()
	r.Use(gin.Recovery())
	if err := r.SetTrustedProxies(nil); err != nil { // the IP is the socket's
		t.Fatal(err)
	}
	ginjwt.Mount(r.Group("/auth"), cfg)
	api := r.Group("/api", ginjwt.New(cfg))
	api.GET("/profile", func(c *gin.Context) {
		u, ok := ginjwt.CurrentUser[gormstore.User](c)
		if !ok {
			c.AbortWithStatusJSON(http.StatusInternalServerError, ginjwt.ErrorBody{Detail: "no user attached"})
			return
		}
		c.JSON(http.StatusOK, u)
	})
	return &server{r: r}
}

// reply is a response as the client saw it.
type reply struct {
	code   int
	header http.Header
	body   []byte
}

func (r reply) String() string { return fmt.Sprintf("%d %s", r.code, r.body) }

// detail returns the "detail" of an error body, or an error when the body
// is not {"detail": "<non-empty>"}.
func (r reply) detail() (string, error) {
	var b map[string]any
	if err := json.Unmarshal(r.body, &b); err != nil {
		return "", fmt.Errorf("error body %q is not JSON: %w", r.body, err)
	}
	d, ok := b["detail"].(string)
	if !ok || d == "" {
		return "", fmt.Errorf("error body %q has no detail", r.body)
	}
	return d, nil
}

// request describes one HTTP request to a server.
type request struct {
	method, path string
	body         any    // nil, or a value to encode as JSON
	token        string // the bearer token, if any
	remoteAddr   string // the client's socket address, if not the default
}

// send serves req and returns the reply, or an error when the body cannot
// be encoded or the server has not answered within requestDeadline. It
// does not touch t, so goroutines may call it.
func (s *server) send(req request) (reply, error) {
	var body bytes.Buffer
	if req.body != nil {
		if err := json.NewEncoder(&body).Encode(req.body); err != nil {
			return reply{}, err
		}
	}
	hr := httptest.NewRequest(req.method, req.path, &body)
	hr.Header.Set("Content-Type", "application/json")
	if req.token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.token)
	}
	if req.remoteAddr != "" {
		hr.RemoteAddr = req.remoteAddr
	}
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.r.ServeHTTP(w, hr)
	}()
	select {
	case <-done:
	case <-time.After(requestDeadline):
		return reply{}, fmt.Errorf("%s %s: no answer within %v", req.method, req.path, requestDeadline)
	}
	return reply{code: w.Code, header: w.Header(), body: w.Body.Bytes()}, nil
}

// must serves req and fails the test at once if the server hangs.
func (s *server) must(t *testing.T, req request) reply {
	t.Helper()
	rep, err := s.send(req)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// expect serves req and fails the test unless the status is want; an
// error status must come with a {"detail": …} body.
func (s *server) expect(t *testing.T, want int, req request) reply {
	t.Helper()
	rep := s.must(t, req)
	if rep.code != want {
		t.Fatalf("%s %s = %v, want %d", req.method, req.path, rep, want)
	}
	if want >= 400 {
		if _, err := rep.detail(); err != nil {
			t.Fatalf("%s %s: %v", req.method, req.path, err)
		}
	}
	return rep
}

func signupReq(email string) request {
	return request{method: "POST", path: "/auth/signup", body: map[string]string{"email": email, "password": itPassword}}
}

func signinReq(email, pw string) request {
	return request{method: "POST", path: "/auth/signin", body: map[string]string{"email": email, "password": pw}}
}

func refreshReq(refreshToken string) request {
	return request{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": refreshToken}}
}

func profileReq(accessToken string) request {
	return request{method: "GET", path: "/api/profile", token: accessToken}
}

func logoutReq(accessToken string) request {
	return request{method: "POST", path: "/auth/logout", token: accessToken}
}

// signup creates a user through the route and returns its id.
func (s *server) signup(t *testing.T, email string) string {
	t.Helper()
	var u struct {
		ID string `json:"id"`
	}
	decode(t, s.expect(t, http.StatusCreated, signupReq(email)), &u)
	return u.ID
}

// signin signs in through the route and returns the token pair.
func (s *server) signin(t *testing.T, email string) ginjwt.TokenPair {
	t.Helper()
	var p ginjwt.TokenPair
	decode(t, s.expect(t, http.StatusOK, signinReq(email, itPassword)), &p)
	return p
}

// refresh rotates a refresh token through the route and returns the pair.
func (s *server) refresh(t *testing.T, refreshToken string) ginjwt.TokenPair {
	t.Helper()
	var p ginjwt.TokenPair
	decode(t, s.expect(t, http.StatusOK, refreshReq(refreshToken)), &p)
	return p
}

// profile wants GET /api/profile with accessToken to answer want; on 200
// the user must be userID.
func (s *server) profile(t *testing.T, want int, accessToken, userID string) {
	t.Helper()
	rep := s.expect(t, want, profileReq(accessToken))
	if want != http.StatusOK {
		return
	}
	var u gormstore.User
	decode(t, rep, &u)
	if u.ID != userID {
		t.Fatalf("GET /api/profile answered user %q, want %q", u.ID, userID)
	}
}

func decode(t *testing.T, rep reply, v any) {
	t.Helper()
	if err := json.Unmarshal(rep.body, v); err != nil {
		t.Fatalf("decoding %q: %v", rep.body, err)
	}
}

// statusCounts counts the replies of each status.
func statusCounts(codes []int) map[int]int {
	m := map[int]int{}
	for _, c := range codes {
		m[c]++
	}
	return m
}

// burst sends n requests at once: every goroutine waits on one channel,
// closed when all are ready. It returns the replies in order.
func burst(t *testing.T, s *server, n int, req func(i int) request) []reply {
	t.Helper()
	replies := make([]reply, n)
	errs := make([]error, n)
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	for i := range n {
		wg.Go(func() {
			r := req(i)
			ready.Done()
			<-start
			replies[i], errs[i] = s.send(r)
		})
	}
	ready.Wait()
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return replies
}

// TestIntegrationConcurrentRefresh: 50 clients present the same refresh
// token at once. Exactly one gets a new pair; the other 49 are reuses
// (401, never 503 or 500), which revoke the whole family, the winner's
// new tokens included.
func TestIntegrationConcurrentRefresh(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func(*testing.T) *gorm.DB) {
		s := newServer(t, migratedStore(t, open(t), gormstore.WithTimeout(raceTimeout)))
		uid := s.signup(t, "race@example.com")
		first := s.signin(t, "race@example.com")

		const n = 50
		replies := burst(t, s, n, func(int) request { return refreshReq(first.RefreshToken) })
		codes := make([]int, n)
		var winner ginjwt.TokenPair
		for i, rep := range replies {
			codes[i] = rep.code
			switch rep.code {
			case http.StatusOK:
				decode(t, rep, &winner)
			case http.StatusUnauthorized:
				if _, err := rep.detail(); err != nil {
					t.Error(err)
				}
			default:
				t.Errorf("refresh %d: %v", i, rep)
			}
		}
		if got := statusCounts(codes); got[http.StatusOK] != 1 || got[http.StatusUnauthorized] != n-1 {
			t.Fatalf("statuses of %d concurrent refreshes: %v, want one 200 and %d 401", n, got, n-1)
		}

		// The reuses revoked the family: nothing of it works any more.
		s.expect(t, http.StatusUnauthorized, refreshReq(winner.RefreshToken))
		s.profile(t, http.StatusUnauthorized, winner.AccessToken, uid)
		s.profile(t, http.StatusUnauthorized, first.AccessToken, uid)
		// Other sessions of the user are not affected.
		s.profile(t, http.StatusOK, s.signin(t, "race@example.com").AccessToken, uid)
	})
}

// TestIntegrationConcurrentSignup: 20 clients sign up the same address at
// once, in different cases. Exactly one account is created.
func TestIntegrationConcurrentSignup(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func(*testing.T) *gorm.DB) {
		db := open(t)
		s := newServer(t, migratedStore(t, db, gormstore.WithTimeout(raceTimeout)))
		variants := []string{"same@example.com", "Same@Example.com", "SAME@EXAMPLE.COM", " sAmE@eXaMpLe.CoM "}

		const n = 20
		replies := burst(t, s, n, func(i int) request { return signupReq(variants[i%len(variants)]) })
		codes := make([]int, n)
		for i, rep := range replies {
			codes[i] = rep.code
			if rep.code != http.StatusCreated {
				if _, err := rep.detail(); err != nil {
					t.Error(err)
				}
			}
		}
		if got := statusCounts(codes); got[http.StatusCreated] != 1 || got[http.StatusConflict] != n-1 {
			t.Fatalf("statuses of %d concurrent signups: %v, want one 201 and %d 409", n, got, n-1)
		}
		var rows int64
		if err := db.Model(&gormstore.User{}).Count(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Fatalf("%d rows in the users table, want 1", rows)
		}
		// Whatever case won, every variant signs in to that one account.
		for _, v := range variants {
			s.signin(t, v)
		}
	})
}

// TestIntegrationRestart: users and sessions live in the database, not in
// the process. After the database is closed and reopened under a new
// engine (a restarted server with the same key), tokens issued before
// still work, rotation goes on, and a refresh token spent before the
// restart is still recognised as reused.
func TestIntegrationRestart(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func(*testing.T) *gorm.DB) {
		db := open(t)
		before := newServer(t, migratedStore(t, db))
		uid := before.signup(t, "restart@example.com")
		p1 := before.signin(t, "restart@example.com")
		p2 := before.refresh(t, p1.RefreshToken)
		before.profile(t, http.StatusOK, p2.AccessToken, uid)
		closeGorm(t, db)

		after := newServer(t, migratedStore(t, open(t)))
		other := after.signin(t, "restart@example.com")
		after.profile(t, http.StatusOK, other.AccessToken, uid)
		after.profile(t, http.StatusOK, p1.AccessToken, uid)
		after.profile(t, http.StatusOK, p2.AccessToken, uid)
		p3 := after.refresh(t, p2.RefreshToken)
		after.profile(t, http.StatusOK, p3.AccessToken, uid)

		// p1's refresh token was spent before the restart: a reuse.
		rep := after.expect(t, http.StatusUnauthorized, refreshReq(p1.RefreshToken))
		if d, _ := rep.detail(); d != "Refresh token has already been used; the session has been revoked" {
			t.Errorf("replaying a token spent before the restart: detail %q, want the reuse message", d)
		}
		after.expect(t, http.StatusUnauthorized, refreshReq(p3.RefreshToken))
		for _, p := range []ginjwt.TokenPair{p1, p2, p3} {
			after.profile(t, http.StatusUnauthorized, p.AccessToken, uid)
		}
		// The other session is a family of its own.
		after.profile(t, http.StatusOK, other.AccessToken, uid)
		after.refresh(t, other.RefreshToken)
	})
}

// TestIntegrationSigninThrottle: after 10 failed sign-ins for one account
// from one IP, that IP gets 429 with Retry-After, even with the right
// password; another IP signs in.
func TestIntegrationSigninThrottle(t *testing.T) {
	db := freshSQLiteFile(t)(t)
	s := newServer(t, migratedStore(t, db))
	s.signup(t, "locked@example.com")
	const attacker, user = "203.0.113.7:40000", "198.51.100.9:50000"
	from := func(req request, addr string) request { req.remoteAddr = addr; return req }

	for i := range ginjwt.DefaultThrottleLimit {
		s.expect(t, http.StatusUnauthorized, from(signinReq("locked@example.com", fmt.Sprintf("wrong password %d", i)), attacker))
		// An unknown email counts exactly like a known one.
		s.expect(t, http.StatusUnauthorized, from(signinReq("nobody@example.com", itPassword), attacker))
	}
	for _, email := range []string{"locked@example.com", "nobody@example.com"} {
		rep := s.expect(t, http.StatusTooManyRequests, from(signinReq(email, itPassword), attacker))
		secs, err := strconv.Atoi(rep.header.Get("Retry-After"))
		if err != nil || secs <= 0 {
			t.Errorf("429 for %s: Retry-After %q, want a positive number of seconds", email, rep.header.Get("Retry-After"))
		}
	}
	// The lock is per account and IP: another client is not locked out,
	// nor is the attacker's IP for another account.
	s.expect(t, http.StatusOK, from(signinReq("locked@example.com", itPassword), user))
	s.signup(t, "other@example.com")
	s.expect(t, http.StatusOK, from(signinReq("other@example.com", itPassword), attacker))
}
