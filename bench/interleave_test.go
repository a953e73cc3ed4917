package bench

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync/atomic"
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

// warmup is how many operations of a part run, untimed, at the start of
// each of its rounds: the caches the previous part left behind (a cold
// public-key verification walks far more code and data than a warm
// request) are then not charged to this part's first operations.
const warmup = 4

// interleave times the parts in alternating rounds within one benchmark and
// reports, for each, NAME-ns/op, the median over the rounds of the time
// per operation, and NAME-allocs/op (counted once, before timing, with
// testing.AllocsPerRun, see allocRuns). Each round starts with warmup
// untimed operations. The median of rounds, not the total: on a shared
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
			for range warmup {
				p.op()
			}
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

// parallelPart is one thing timed by interleaveParallel: worker returns
// the operation of the w-th of the goroutines that run it at once, so that
// each can keep state of its own (where it is in a set of keys, say).
type parallelPart struct {
	name   string
	worker func(w int) func()
}

// parallelRound is how many operations each goroutine runs per round in
// interleaveParallel: long enough that starting and joining the round
// (an atomic store, then spinning on an atomic counter) is noise.
const parallelRound = 1024

// interleaveParallel is interleave with GOMAXPROCS goroutines running
// each part at once, as b.RunParallel would, but the parts in alternating
// rounds within one benchmark, so that the load of other processes falls
// on every part alike. A round's time is from its start until the last
// goroutine finishes, divided by all the operations of the round: the
// time per operation of the whole machine, as with b.RunParallel. It
// reports NAME-ns/op (the median of the rounds) and NAME-allocs/op (of
// one goroutine's operation, counted before timing).
func interleaveParallel(b *testing.B, parts ...parallelPart) {
	b.Helper()
	procs := runtime.GOMAXPROCS(0)
	ops := make([][]func(), len(parts)) // by part, then worker
	allocs := make([]float64, len(parts))
	for i, p := range parts {
		for w := range procs {
			ops[i] = append(ops[i], p.worker(w))
		}
		allocs[i] = testing.AllocsPerRun(200, p.worker(procs))
	}

	// Round g (from 1) runs part (g-1)%len(parts); the helpers wait for g
	// to change by spinning, then each adds 1 to done.
	var gen, done atomic.Int64
	var stop atomic.Bool
	for w := 1; w < procs; w++ {
		go func() {
			seen := int64(0)
			for {
				g := gen.Load()
				if g == seen {
					if stop.Load() {
						return
					}
					runtime.Gosched()
					continue
				}
				seen = g
				op := ops[(g-1)%int64(len(parts))][w]
				for range parallelRound {
					op()
				}
				done.Add(1)
			}
		}()
	}
	defer stop.Store(true)

	rounds := make([][]time.Duration, len(parts))
	var g int64
	for b.Loop() {
		for i := range parts {
			g++
			start := time.Now()
			gen.Store(g)
			op := ops[i][0]
			for range parallelRound {
				op()
			}
			for done.Load() < g*int64(procs-1) {
				runtime.Gosched()
			}
			rounds[i] = append(rounds[i], time.Since(start))
		}
	}
	for i, p := range parts {
		slices.Sort(rounds[i])
		med := rounds[i][len(rounds[i])/2]
		b.ReportMetric(float64(med.Nanoseconds())/float64(parallelRound*procs), p.name+"-ns/op")
		b.ReportMetric(allocs[i], p.name+"-allocs/op")
	}
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
