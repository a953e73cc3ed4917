package bench

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// part is one thing timed by interleave: op runs it once.
type part struct {
	name string
	op   func()
}

// round is how many operations of one part run back to back before the
// next part's turn: long enough for the clock, short enough that GC and
// other processes' load fall on every part alike.
const round = 32

// interleave times the parts in alternating rounds within one benchmark and
// reports, for each, NAME-ns/op, the median over the rounds of the time
// per operation, and NAME-allocs/op (counted once, before timing, with
// testing.AllocsPerRun, see allocRuns). The median of rounds, not the total: on a shared
// machine a round during which the process was descheduled is an outlier
// that would otherwise land on whichever part it hit. One iteration of the
// benchmark is one round of every part, so its own ns/op means nothing by
// itself: cmd/ratios reads the metrics. It uses b.Loop, so the
// benchmark's set-up runs once, however long the run.
func interleave(b *testing.B, parts ...part) {
	b.Helper()
	allocs := make([]float64, len(parts))
	for i, p := range parts {
		allocs[i] = testing.AllocsPerRun(allocRuns(p.op), p.op)
	}
	rounds := make([][]time.Duration, len(parts))
	for b.Loop() {
		for i, p := range parts {
			start := time.Now()
			for range round {
				p.op()
			}
			rounds[i] = append(rounds[i], time.Since(start))
		}
	}
	for i, p := range parts {
		slices.Sort(rounds[i])
		med := rounds[i][len(rounds[i])/2]
		b.ReportMetric(float64(med.Nanoseconds())/round, p.name+"-ns/op")
		b.ReportMetric(allocs[i], p.name+"-allocs/op")
	}
}

// allocRuns is how many runs of op testing.AllocsPerRun averages: 200,
// or, for an op so slow that 200 runs would take minutes (a look-up that
// scans a large collection, in BenchmarkScaleMongo on FerretDB), as many
// as fit in about two seconds, and at least 10. It runs op once to time
// it.
func allocRuns(op func()) int {
	start := time.Now()
	op()
	runs := 2 * time.Second / max(time.Since(start), time.Nanosecond)
	return int(min(200, max(10, runs)))
}

// serve is the harness of every route benchmark: the request is built once,
// outside the loop, and each operation gets a fresh recorder. It checks
// once that the route answers 200.
func serve(b *testing.B, name string, h http.Handler, token string) part {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: status %d: %s", name, w.Code, w.Body.String())
	}
	return part{name: name, op: func() { h.ServeHTTP(httptest.NewRecorder(), req) }}
}

// hello is the route's handler: a small JSON body.
func hello(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"hello": "world"})
}

// route returns an engine serving GET /x through the given middleware.
func route(middleware ...gin.HandlerFunc) *gin.Engine {
	r := gin.New()
	r.GET("/x", append(middleware, hello)...)
	return r
}

func init() { gin.SetMode(gin.ReleaseMode) }
