package ginjwt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

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

	stateless := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store})
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
	withSessions := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store2, Sessions: store2})
	s.withSessions = gin.New()
	s.withSessions.GET("/x", withSessions.Middleware(), handler)
	pair, err := withSessions.IssueTokens(context.Background(), u2, ginjwt.Client{})
	if err != nil {
		b.Fatal(err)
	}
	s.sessionToken = pair.AccessToken

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

// BenchmarkBudget runs the three parts in one go and reports
// protected / (bare + parse) as "ratio"; the budget is 1.15.
func BenchmarkBudget(b *testing.B) {
	s := newBenchSetup(b)
	bare := testing.Benchmark(func(b *testing.B) { serveLoop(b, s.bare, "") })
	parse := testing.Benchmark(func(b *testing.B) { parseLoop(b, s) })
	prot := testing.Benchmark(func(b *testing.B) { serveLoop(b, s.protected, s.token) })
	sess := testing.Benchmark(func(b *testing.B) { serveLoop(b, s.withSessions, s.sessionToken) })
	base := float64(bare.NsPerOp() + parse.NsPerOp())
	for b.Loop() {
	}
	b.ReportMetric(float64(bare.NsPerOp()), "bare-ns")
	b.ReportMetric(float64(parse.NsPerOp()), "parse-ns")
	b.ReportMetric(float64(prot.NsPerOp()), "protected-ns")
	b.ReportMetric(float64(prot.AllocsPerOp()), "protected-allocs")
	b.ReportMetric(float64(prot.NsPerOp())/base, "ratio")
	b.ReportMetric(float64(sess.NsPerOp())/base, "sessions-ratio")
}
