package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// Flood sizes: distinct valid tokens pushed through a token cache of
// floodCache entries (issue 12).
const (
	floodTokens = 1_000_000
	floodCache  = 100_000
	floodWindow = 50_000 // flood tokens between two measurements
	floodProbe  = 20_000 // hot and bare requests per measurement
)

// BenchmarkFlood pushes floodTokens distinct valid tokens through a
// middleware whose token cache holds floodCache, and every floodWindow of
// them times floodProbe requests of one hot token (seen before) and as
// many bare routes, interleaved. It reports the hot request's cost
// relative to the bare route: before the flood (the cache holding the hot
// token alone), when the cache has just filled (floodCache entries, no
// eviction yet), and while the flood goes on evicting (the median and the
// worst window). "evicting/full" near 1 means that the flood, however
// long, does not slow the lookups of others; "full/before" is what a full
// cache costs by itself (a large map and a larger heap). One iteration is the whole flood: run it with
// -benchtime 1x (make bench-flood); it is not part of make bench.
func BenchmarkFlood(b *testing.B) {
	store, u := memUser(b)
	ctx := context.Background()
	auth := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: secret, Users: store, TokenCacheSize: floodCache})
	protected, bare := route(auth.Middleware()), route()
	hot, err := auth.AccessToken(ctx, u, "sid-hot", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	hotPart, barePart := serve(b, "hot", protected, hot), serve(b, "bare", bare, "")

	// probe returns the hot request's time over the bare route's, timed
	// interleaved in rounds.
	probe := func() float64 {
		var h, r time.Duration
		for done := 0; done < floodProbe; done += round {
			start := time.Now()
			for range round {
				hotPart.op()
			}
			mid := time.Now()
			for range round {
				barePart.op()
			}
			h, r = h+mid.Sub(start), r+time.Since(mid)
		}
		return float64(h) / float64(r)
	}

	for b.Loop() {
		before := probe()
		var atFull float64
		var evicting []float64
		for i := 1; i <= floodTokens; i++ {
			tok, err := auth.AccessToken(ctx, u, "sid-flood", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			w := httptest.NewRecorder()
			protected.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("flood token %d: status %d", i, w.Code)
			}
			switch {
			case i == floodCache: // the median of three, no insert between
				three := []float64{probe(), probe(), probe()}
				slices.Sort(three)
				atFull = three[1]
			case i > floodCache && i%floodWindow == 0:
				evicting = append(evicting, probe())
			}
		}
		slices.Sort(evicting)
		med := evicting[len(evicting)/2]
		b.ReportMetric(before, "before-hot/bare")
		b.ReportMetric(atFull, "full-hot/bare")
		b.ReportMetric(med, "evicting-hot/bare")
		b.ReportMetric(evicting[len(evicting)-1], "worst-hot/bare")
		b.ReportMetric(atFull/before, "full/before")
		b.ReportMetric(med/atFull, "evicting/full")
	}
}
