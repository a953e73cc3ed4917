package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	hashing "github.com/ginjwt/ginjwt/ginjwt/password"
)

// The -load mode (make load): throughput and latency rather than
// endurance. For each database it starts the example server (with
// EXAMPLE_BENCH_ROUTES=1) and runs, one after the other so that each has
// the machine to itself, wrk against two sets of routes, -pairs rounds of
// each with the order rotated from round to round so that drift falls on
// all (each ratio reported is the median of its rounds'):
//
//   - GET /bench/hello without a token, the same with the bearer token the
//     protected phase sends (the route ignores it), and GET /api/hello:
//     one handler and one body, without and with the middleware. The
//     target is about protected over the identical public request, the
//     middleware's cost alone; over the tokenless request, the ratio also
//     holds what carrying a 350-byte header costs the client, the kernel
//     and net/http, which any bearer-token scheme pays;
//   - the spec's public GET / and protected GET /api/profile, whose bodies
//     differ;
//
// then concurrent sign-ins and concurrent refresh chains, each for -phase.

// loadPhase is one measured phase.
type loadPhase struct {
	Name     string
	Requests int
	Elapsed  time.Duration
	P50, P99 time.Duration // from wrk's latency distribution; 0 if not wrk
	Errors   int           // socket errors and unexpected statuses
}

func (p loadPhase) rate() float64 { return float64(p.Requests) / p.Elapsed.Seconds() }

var reLatency = regexp.MustCompile(`(?m)^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)

// latencies reads p50 and p99 from wrk's --latency output.
func latencies(out string) (p50, p99 time.Duration) {
	for _, m := range reLatency.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		d := time.Duration(v * float64(unit))
		if m[1] == "50" {
			p50 = d
		} else {
			p99 = d
		}
	}
	return p50, p99
}

func wrkPhase(ctx context.Context, o options, name, url, token string) loadPhase {
	w := &wrkRun{Kind: name, URL: url, Token: token, Conns: o.ProfileConns}
	w.run(ctx, o.Phase, o.Script)
	p := loadPhase{Name: name, Requests: w.Requests, Elapsed: o.Phase, Errors: w.Socket.total()}
	if w.Err != nil {
		fmt.Fprintf(os.Stderr, "load: %s: %v\n", name, w.Err)
		p.Errors++
	}
	for code, n := range w.Statuses {
		if code != http.StatusOK {
			p.Errors += n
		}
	}
	p.P50, p.P99 = latencies(w.Output)
	return p
}

// driverPhase runs workers copies of f as fast as they go for o.Phase and
// counts the calls that returned true, and those that did not as errors.
func driverPhase(o options, name string, workers int, f func(stop context.Context) bool) loadPhase {
	stop, cancel := context.WithTimeout(context.Background(), o.Phase)
	defer cancel()
	var mu sync.Mutex
	p := loadPhase{Name: name}
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for stop.Err() == nil {
				ok := f(stop)
				if stop.Err() != nil {
					return // cut short by the end of the phase: not counted
				}
				mu.Lock()
				if ok {
					p.Requests++
				} else {
					p.Errors++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	p.Elapsed = time.Since(start)
	return p
}

// runLoad measures each database of dbs (as -db takes them) and prints
// the tables.
func runLoad(ctx context.Context, o options, dbs []string) error {
	if _, err := os.Stat(o.Script); err != nil {
		return fmt.Errorf("the wrk script: %w (run from the module root)", err)
	}
	dir, err := os.MkdirTemp("", "ginjwt-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := buildServer(dir)
	if err != nil {
		return err
	}
	hp := hashing.DefaultArgon2id()
	fmt.Printf("load: %d CPUs, %s per phase, %d wrk connections (1 thread); sign-in hashing: argon2id m=%d KiB t=%d p=%d (password.DefaultArgon2id, the example server's), %d sign-in workers; %d refresh chains\n\n",
		runtime.NumCPU(), o.Phase, o.ProfileConns, hp.Memory, hp.Time, hp.Threads, o.SigninWorkers, o.RefreshWorkers)
	failed := false
	for _, raw := range dbs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		phases, label, err := loadOne(ctx, o, bin, dir, raw)
		if err != nil {
			return err
		}
		printLoad(os.Stdout, label, phases)
		for _, p := range phases {
			failed = failed || p.Errors > 0
		}
	}
	if failed {
		return fmt.Errorf("some requests failed (the Errors column)")
	}
	return nil
}

func loadOne(ctx context.Context, o options, bin, dir, raw string) ([]loadPhase, string, error) {
	db, err := prepareDB(ctx, raw, dir)
	if err != nil {
		return nil, "", err
	}
	defer db.Drop()
	key := []byte(rand.Text() + rand.Text()) // 52 characters, for HS256
	srv, err := startServer(bin, dir, []string{
		"DATABASE_URL=" + db.URL,
		"JWT_SECRET_KEY=" + string(key),
		"JWT_ACCESS_TOKEN_LIFETIME=1h",
		"EXAMPLE_BENCH_ROUTES=1", // GET /bench/hello and /api/hello: one body
	})
	if err != nil {
		return nil, "", err
	}
	defer srv.Stop()
	base := "http://" + srv.Addr
	c := newClient(base)
	c.http.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	fx, err := setup(ctx, c, key)
	if err != nil {
		return nil, "", fmt.Errorf("setup: %w", err)
	}
	var phases []loadPhase
	sets := [][]func() loadPhase{
		{
			func() loadPhase { return wrkPhase(ctx, o, phaseBenchPublic, base+"/bench/hello", "") },
			func() loadPhase { return wrkPhase(ctx, o, phaseBenchPublicToken, base+"/bench/hello", fx.Access) },
			func() loadPhase { return wrkPhase(ctx, o, phaseBenchProtected, base+"/api/hello", fx.Access) },
		},
		{
			func() loadPhase { return wrkPhase(ctx, o, phasePublic, base+"/", "") },
			func() loadPhase { return wrkPhase(ctx, o, phaseProtected, base+"/api/profile", fx.Access) },
		},
	}
	for i := range o.Pairs {
		for _, set := range sets {
			// Each round starts one phase further along the set, so
			// that a drift of the machine within a round favours none.
			for j := range set {
				phases = append(phases, set[(i+j)%len(set)]())
			}
		}
	}
	signin := credentials(signinEmail, password)
	phases = append(phases, driverPhase(o, "sign-in POST /auth/signin", o.SigninWorkers, func(stop context.Context) bool {
		r, err := c.do(stop, http.MethodPost, "/auth/signin", signin, "")
		return err == nil && r.Status == http.StatusOK
	}))
	// Each refresh chain starts from a sign-in of its own (not timed).
	chains := make(chan string, o.RefreshWorkers)
	for range o.RefreshWorkers {
		r, err := c.do(ctx, http.MethodPost, "/auth/signin", credentials(refreshEmail, password), "")
		if err != nil {
			return nil, "", err
		}
		p, err := r.pair()
		if err != nil {
			return nil, "", fmt.Errorf("refresh chain sign-in: %d %w", r.Status, err)
		}
		chains <- p.Refresh
	}
	phases = append(phases, driverPhase(o, "refresh POST /auth/refresh", o.RefreshWorkers, func(stop context.Context) bool {
		tok := <-chains
		r, err := c.do(stop, http.MethodPost, "/auth/refresh", `{"refresh_token":"`+tok+`"}`, "")
		if err == nil && r.Status == http.StatusOK {
			if p, err := r.pair(); err == nil {
				tok = p.Refresh
			}
		}
		chains <- tok
		return err == nil && r.Status == http.StatusOK
	}))
	return phases, db.Label, nil
}

// ms formats d in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// The wrk phases: one body without the middleware (with no token, and
// with the protected phase's token, which the route ignores) and with it;
// then the spec's public and protected routes, whose bodies differ.
const (
	phaseBenchPublic      = "public GET /bench/hello"
	phaseBenchPublicToken = "public GET /bench/hello, same token sent"
	phaseBenchProtected   = "protected GET /api/hello (same body)"
	phasePublic           = "public GET /"
	phaseProtected        = "protected GET /api/profile"
)

// loadRatios are the ratios printLoad reports: the i-th phase named num
// over the i-th named den, the median of those.
var loadRatios = []struct{ num, den, what, target string }{
	{phaseBenchProtected, phaseBenchPublicToken, "/api/hello / /bench/hello, the same request (the middleware alone)", "; target ≥ 0.90"},
	{phaseBenchProtected, phaseBenchPublic, "/api/hello / /bench/hello without a token (the middleware and the token's transport)", ""},
	{phaseBenchPublicToken, phaseBenchPublic, "/bench/hello with / without the token (the token's transport alone)", ""},
	{phaseProtected, phasePublic, "/api/profile / / (different bodies)", ""},
}

func printLoad(w io.Writer, label string, phases []loadPhase) {
	fmt.Fprintf(w, "### %s\n\n", label)
	fmt.Fprintln(w, "| phase | req/s | p50 | p99 | errors |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	rates := map[string][]float64{} // by phase name, in order
	for _, p := range phases {
		lat50, lat99 := "–", "–"
		if p.P50 > 0 {
			lat50, lat99 = ms(p.P50), ms(p.P99)
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d |\n", p.Name, p.rate(), lat50, lat99, p.Errors)
		rates[p.Name] = append(rates[p.Name], p.rate())
	}
	fmt.Fprintln(w)
	for _, r := range loadRatios {
		var rs []float64
		for i := range min(len(rates[r.num]), len(rates[r.den])) {
			if rates[r.den][i] > 0 {
				rs = append(rs, rates[r.num][i]/rates[r.den][i])
			}
		}
		if len(rs) == 0 {
			continue
		}
		each := make([]string, len(rs))
		for i, x := range rs {
			each[i] = fmt.Sprintf("%.2f", x)
		}
		slices.Sort(rs)
		fmt.Fprintf(w, "throughput, %s: **%.2f**, the median of %d rounds (%s)%s\n\n",
			r.what, rs[len(rs)/2], len(rs), strings.Join(each, ", "), r.target)
	}
}
