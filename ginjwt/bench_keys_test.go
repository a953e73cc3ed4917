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

// The budget per algorithm: the protected route (stateless, the user from
// memory) against a bare route plus golang-jwt's own parse of the same
// token, with the same options and golang-jwt's stock method for the alg.

type algBench struct {
	bare, protected *gin.Engine
	token           string
	parse           func() error
}

func newAlgBench(b *testing.B, alg string) *algBench {
	b.Helper()
	store := memstore.New()
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "b@example.com", NormalizedEmail: "b@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	k := signingKey(b, alg)
	a := ginjwt.MustCompile(ginjwt.Config[memstore.User]{Keys: ginjwt.MustNewKeySet(k), Users: store, TokenCacheSize: -1 /* cold: every request verifies */})
	s := &algBench{bare: gin.New(), protected: gin.New()}
	handler := func(c *gin.Context) { c.Status(http.StatusOK) }
	s.bare.GET("/x", handler)
	s.protected.GET("/x", a.Middleware(), handler)
	if s.token, err = a.AccessToken(context.Background(), u, "sid-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	verify := k.Public()
	if verify == nil { // HMAC: the bench secret of signingKey
		verify = hmacBenchSecret(alg)
	}
	parser := jwt.NewParser(ginjwt.ParserOptions(alg, "", "", ginjwt.DefaultLeeway, nil)...)
	keyfunc := func(*jwt.Token) (any, error) { return verify, nil }
	s.parse = func() error {
		_, err := parser.ParseWithClaims(s.token, &ginjwt.Claims{}, keyfunc)
		return err
	}
	if err := s.parse(); err != nil {
		b.Fatal(err)
	}
	return s
}

func hmacBenchSecret(alg string) []byte {
	n := map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}[alg]
	out := make([]byte, n)
	for i := range out {
		out[i] = 'h'
	}
	return out
}

// BenchmarkAlgorithms/ALG/protected and /golang-jwt-parse time the parts.
func BenchmarkAlgorithms(b *testing.B) {
	for _, alg := range allAlgorithms {
		b.Run(alg, func(b *testing.B) {
			s := newAlgBench(b, alg)
			b.Run("protected", func(b *testing.B) { serveLoop(b, s.protected, s.token) })
			b.Run("golang-jwt-parse", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := s.parse(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkBudgetPerAlgorithm interleaves the parts in rounds, as
// BenchmarkBudget does, and reports protected / (bare + parse) as "ratio"
// for each algorithm (the budget is 1.15).
func BenchmarkBudgetPerAlgorithm(b *testing.B) {
	for _, alg := range allAlgorithms {
		b.Run(alg, func(b *testing.B) {
			s := newAlgBench(b, alg)
			req := func(token string) *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/x", nil)
				if token != "" {
					r.Header.Set("Authorization", "Bearer "+token)
				}
				return r
			}
			bareReq, protReq := req(""), req(s.token)
			const round = 16 // small: an ES512 verify takes about a millisecond
			var bare, parse, prot time.Duration
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
				timed(&parse, n, func() { _ = s.parse() })
				timed(&prot, n, func() {
					w := httptest.NewRecorder()
					s.protected.ServeHTTP(w, protReq)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				})
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns/op")
			b.ReportMetric(float64(parse.Nanoseconds())/n, "parse-ns/op")
			b.ReportMetric(float64(prot.Nanoseconds())/n, "protected-ns/op")
			b.ReportMetric(float64(prot)/float64(bare+parse), "ratio")
		})
	}
}
