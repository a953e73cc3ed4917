// Command soak drives the example server under steady load for a bounded
// time and checks that it holds: no 5xx, no socket errors, and a resident
// set that stays flat once warmed up. Run it with `make soak` (SQLite) or
// `make soak-postgres`.
//
// It builds ./example with `go build`, starts it on a loopback port over a
// fresh database (a SQLite file in a temporary folder, or a database it
// creates on the PostgreSQL server that -db names and drops afterwards),
// and then, for -duration, runs at once:
//
//   - wrk against GET /api/profile with a valid bearer token, and a second
//     wrk against the public GET /;
//   - one sign-in worker, rate-limited well below the password-hashing
//     bound: sign in, GET /auth/me, log out; now and then a wrong password
//     for another account, which the throttle turns into 429;
//   - one refresh chain: each refresh presents the refresh token the
//     previous one returned (presenting an old one would be reuse);
//   - rate-limited requests to GET /api/profile with bad tokens (garbage,
//     expired, tampered signature, alg none, another alg, another key,
//     typ JWT, a refresh token), each of which must get 401 with an
//     invalid_token challenge.
//
// Every -sample it prints the server's RSS and open file descriptors from
// /proc. At the end it prints the totals and exits 1 if any answer was a
// 5xx, any request hit a socket or transport error, any answer had a status
// its kind never should, the server died, or the RSS grew by more than
// -max-growth between the first sample after the warm-up and the last.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// options are the driver's settings; each has a flag, and the main ones an
// environment variable, so that make can pass them through.
type options struct {
	Duration     time.Duration
	DB           string
	Sample       time.Duration
	Warmup       float64
	MaxGrowth    float64
	ProfileConns int
	PublicConns  int
	SigninRate   float64
	RefreshRate  float64
	BadRate      float64
	Script       string
	Keep         bool

	// -load mode (loadtest.go)
	Load           bool
	LoadDBs        string
	Phase          time.Duration
	Pairs          int
	SigninWorkers  int
	RefreshWorkers int
}

func main() {
	var o options
	flag.DurationVar(&o.Duration, "duration", envDuration("SOAK_DURATION", 5*time.Minute), "how long the load runs (env SOAK_DURATION)")
	flag.StringVar(&o.DB, "db", os.Getenv("SOAK_DB"), "empty for SQLite, or a postgres:// URL of a server on which to create a database for the run (env SOAK_DB)")
	flag.DurationVar(&o.Sample, "sample", 5*time.Second, "how often to sample the server's RSS and file descriptors")
	flag.Float64Var(&o.Warmup, "warmup", 0.2, "fraction of the run after which the RSS must stay flat")
	flag.Float64Var(&o.MaxGrowth, "max-growth", 0.10, "largest RSS growth after the warm-up that passes")
	flag.IntVar(&o.ProfileConns, "profile-conns", 16, "wrk connections on GET /api/profile")
	flag.IntVar(&o.PublicConns, "public-conns", 4, "wrk connections on GET /")
	flag.Float64Var(&o.SigninRate, "signin-rate", 4, "sign-in attempts per second (one worker, so at most one hash at a time)")
	flag.Float64Var(&o.RefreshRate, "refresh-rate", 20, "refreshes per second along the chain")
	flag.Float64Var(&o.BadRate, "bad-rate", 200, "bad-token requests per second")
	flag.StringVar(&o.Script, "script", "internal/soak/route.lua", "the wrk Lua script")
	flag.BoolVar(&o.Keep, "keep", false, "keep the temporary folder (binary, SQLite file, server log)")
	flag.BoolVar(&o.Load, "load", false, "measure throughput instead of soaking: public vs protected route under wrk, sign-ins, refreshes (make load)")
	flag.StringVar(&o.LoadDBs, "load-dbs", "sqlite", "with -load: the databases to measure, comma-separated, each as -db takes it (sqlite, or a postgres:// URL)")
	flag.DurationVar(&o.Phase, "phase", 5*time.Second, "with -load: how long each phase runs")
	flag.IntVar(&o.Pairs, "pairs", 5, "with -load: how many rounds of each set of wrk phases (public and protected routes)")
	flag.IntVar(&o.SigninWorkers, "signin-workers", 4, "with -load: concurrent sign-ins")
	flag.IntVar(&o.RefreshWorkers, "refresh-workers", 8, "with -load: concurrent refresh chains")
	flag.Parse()
	if o.Load {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		var dbs []string
		for _, d := range strings.Split(o.LoadDBs, ",") {
			if d == "sqlite" {
				d = ""
			}
			dbs = append(dbs, d)
		}
		if err := runLoad(ctx, o, dbs); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	if o.Duration <= 0 || o.Sample <= 0 || o.Warmup < 0 || o.Warmup >= 1 {
		fmt.Fprintln(os.Stderr, "soak: -duration and -sample must be positive, -warmup in [0, 1)")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	failures := res.print(os.Stdout, o)
	if len(failures) > 0 {
		os.Exit(1)
	}
}

func envDuration(name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak: %s=%q: %v\n", name, v, err)
		os.Exit(2)
	}
	return d
}
