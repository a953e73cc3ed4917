package ginjwt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// BenchmarkForgotKnownVsUnknown times POST /auth/password/forgot for an
// existing account and for an unknown email, in interleaved rounds, and
// reports the ratio of their medians ("unknown/known"): the look-up, the
// token write and the sending run off the request path, so it should be
// 1 within the noise. (A measurement for docs/account-emails.md, never a
// test: tests do not assert on time.)
func BenchmarkForgotKnownVsUnknown(b *testing.B) {
	f := newFixture(b)
	f.cfg.Mail = &ginjwt.MailConfig{
		Mailer:    discardMailer{},
		VerifyURL: "https://app.example.com/verify-email",
		ResetURL:  "https://app.example.com/reset-password",
		Cooldown:  -1,
	}
	f.cfg.Throttle = ginjwt.NewMemoryThrottle(1<<20, time.Minute, 0)
	f.cfg.Logger = discardLogger()
	r := gin.New()
	auth := ginjwt.Mount(r.Group("/auth"), f.cfg)
	defer func() { _ = auth.Close(context.Background()) }()
	request := func(email string) func() {
		return func() {
			req := httptest.NewRequest(http.MethodPost, "/auth/password/forgot", strings.NewReader(`{"email":"`+email+`"}`))
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != http.StatusAccepted {
				b.Fatalf("%d %s", w.Code, w.Body.String())
			}
		}
	}
	known, unknown := request("ada@example.com"), request("nobody@example.com")
	const round = 64
	var k, u []time.Duration
	timed := func(f func()) time.Duration {
		start := time.Now()
		for range round {
			f()
		}
		return time.Since(start) / round
	}
	b.ResetTimer()
	for done := 0; done < b.N; done += 2 * round {
		k = append(k, timed(known))
		u = append(u, timed(unknown))
	}
	b.StopTimer()
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	mk, mu := median(k), median(u)
	b.ReportMetric(float64(mk.Nanoseconds()), "known-ns/op")
	b.ReportMetric(float64(mu.Nanoseconds()), "unknown-ns/op")
	b.ReportMetric(float64(mu)/float64(mk), "unknown/known")
}

type discardMailer struct{}

func (discardMailer) Send(context.Context, ginjwt.Message) error { return nil }
