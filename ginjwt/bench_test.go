package ginjwt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// The request-path budget: a protected route may cost at most 1.15 × (a
// bare route + golang-jwt's own parse of the same token with the same
// options). BenchmarkBudget reports the ratio; the others the parts.

type benchSetup struct {
	bare, protected, withSessions *gin.Engine
	warm, warmSessions            *gin.Engine // token cache on
	token, sessionToken           string
	parser                        *jwt.Parser
	key                           []byte
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	store := memstore.New()
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "b@example.com", NormalizedEmail: "b@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	handler := func(c *gin.Context) { c.Status(http.StatusOK) }
	s := &benchSetup{key: testKey}

	s.bare = gin.New()
	s.bare.GET("/x", handler)

	// The cold path: the token cache is off, every request verifies.
	stateless := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store, TokenCacheSize: -1})
	s.protected = gin.New()
	s.protected.GET("/x", stateless.Middleware(), handler)
	if s.token, err = stateless.AccessToken(context.Background(), u, "sid-1", timeNow()); err != nil {
		b.Fatal(err)
	}

	// A second store, so that this Auth does not share the first one's state.
	store2 := memstore.New()
	u2, err := store2.CreateUser(context.Background(), ginjwt.NewUser{Email: "b@example.com", NormalizedEmail: "b@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	withSessions := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store2, Sessions: store2, TokenCacheSize: -1})
	s.withSessions = gin.New()
	s.withSessions.GET("/x", withSessions.Middleware(), handler)
	pair, err := withSessions.IssueTokens(context.Background(), u2, ginjwt.Client{})
	if err != nil {
		b.Fatal(err)
	}
	s.sessionToken = pair.AccessToken

	// The warm path: the same, with the token cache on (the default).
	warm := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store})
	s.warm = gin.New()
	s.warm.GET("/x", warm.Middleware(), handler)
	warmSessions := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store2, Sessions: store2})
	s.warmSessions = gin.New()
	s.warmSessions.GET("/x", warmSessions.Middleware(), handler)

	s.parser = jwt.NewParser(ginjwt.ParserOptions("HS256", "", "", ginjwt.DefaultLeeway, nil)...)
	return s
}

func serveLoop(b *testing.B, h http.Handler, token string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
	}
}

func parseLoop(b *testing.B, s *benchSetup) {
	b.Helper()
	keyfunc := func(*jwt.Token) (any, error) { return s.key, nil }
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.parser.ParseWithClaims(s.token, &ginjwt.Claims{}, keyfunc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareRoute(b *testing.B) { serveLoop(b, newBenchSetup(b).bare, "") }

func BenchmarkGolangJWTParse(b *testing.B) { parseLoop(b, newBenchSetup(b)) }

// BenchmarkProtectedRoute: the middleware with the user served from memory.
func BenchmarkProtectedRoute(b *testing.B) {
	s := newBenchSetup(b)
	serveLoop(b, s.protected, s.token)
}

// BenchmarkProtectedRouteWithSessions adds the revocation check (the
// session, served from the middleware's cache).
func BenchmarkProtectedRouteWithSessions(b *testing.B) {
	s := newBenchSetup(b)
	serveLoop(b, s.withSessions, s.sessionToken)
}

// BenchmarkBudget times the parts in interleaved rounds of 256
// operations each, so that GC and machine noise fall on all of them alike,
// and reports protected / (bare + parse) as "ratio" (the budget is 1.15),
// and the same for the route with the session check as "sessions-ratio".
func BenchmarkBudget(b *testing.B) {
	s := newBenchSetup(b)
	keyfunc := func(*jwt.Token) (any, error) { return s.key, nil }
	request := func(token string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	bareReq, protReq, sessReq := request(""), request(s.token), request(s.sessionToken)
	const round = 256
	var bare, parse, prot, sess time.Duration
	timed := func(d *time.Duration, n int, f func()) {
		start := time.Now()
		for range n {
			f()
		}
		*d += time.Since(start)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		timed(&bare, n, func() { s.bare.ServeHTTP(httptest.NewRecorder(), bareReq) })
		timed(&parse, n, func() {
			if _, err := s.parser.ParseWithClaims(s.token, &ginjwt.Claims{}, keyfunc); err != nil {
				b.Fatal(err)
			}
		})
		timed(&prot, n, func() { s.protected.ServeHTTP(httptest.NewRecorder(), protReq) })
		timed(&sess, n, func() { s.withSessions.ServeHTTP(httptest.NewRecorder(), sessReq) })
	}
	b.StopTimer()
	n := float64(b.N)
	base := float64(bare + parse)
	b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns/op")
	b.ReportMetric(float64(parse.Nanoseconds())/n, "parse-ns/op")
	b.ReportMetric(float64(prot.Nanoseconds())/n, "protected-ns/op")
	b.ReportMetric(float64(sess.Nanoseconds())/n, "sessions-ns/op")
	b.ReportMetric(float64(prot)/base, "ratio")
	b.ReportMetric(float64(sess)/base, "sessions-ratio")
}

// BenchmarkWarmRoute: a token seen before, served from the token cache,
// the user from memory.
func BenchmarkWarmRoute(b *testing.B) {
	s := newBenchSetup(b)
	serveLoop(b, s.warm, s.token)
}

// BenchmarkWarmRouteWithSessions adds the revocation check.
func BenchmarkWarmRouteWithSessions(b *testing.B) {
	s := newBenchSetup(b)
	serveLoop(b, s.warmSessions, s.sessionToken)
}

// BenchmarkWarmBudget reports warm / bare as "warm-ratio" (target 1.5)
// and the warm route with the session check over the warm route without
// as "sessions-overhead" (target 1.10), in interleaved rounds like
// BenchmarkBudget.
func BenchmarkWarmBudget(b *testing.B) {
	s := newBenchSetup(b)
	request := func(token string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	bareReq, warmReq, sessReq := request(""), request(s.token), request(s.sessionToken)
	const round = 256
	var bare, warm, sess time.Duration
	timed := func(d *time.Duration, n int, h http.Handler, req *http.Request) {
		start := time.Now()
		for range n {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
		*d += time.Since(start)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		timed(&bare, n, s.bare, bareReq)
		timed(&warm, n, s.warm, warmReq)
		timed(&sess, n, s.warmSessions, sessReq)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns/op")
	b.ReportMetric(float64(warm.Nanoseconds())/n, "warm-ns/op")
	b.ReportMetric(float64(sess.Nanoseconds())/n, "sessions-ns/op")
	b.ReportMetric(float64(warm)/float64(bare), "warm-ratio")
	b.ReportMetric(float64(sess)/float64(warm), "sessions-overhead")
}
