package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sync"
	"time"
)

// result is everything a run measured.
type result struct {
	Store      string
	Elapsed    time.Duration // how long the load ran
	Driver     map[string]kindCount
	Wrk        []*wrkRun
	Samples    []sample // every reading; the first During were taken under load
	During     int
	Log        *logStats
	ServerDied error // set when the server ended before the load did
	StopErr    error // how the server ended when asked to stop
	PGSessions int64 // connections opened to the run's PostgreSQL database
}

func run(ctx context.Context, o options) (*result, error) {
	if _, err := os.Stat(o.Script); err != nil {
		return nil, fmt.Errorf("the wrk script: %w (run from the module root)", err)
	}
	dir, err := os.MkdirTemp("", "ginjwt-soak-")
	if err != nil {
		return nil, err
	}
	if o.Keep {
		fmt.Println("soak: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	bin, err := buildServer(dir)
	if err != nil {
		return nil, err
	}
	db, err := prepareDB(ctx, o.DB, dir)
	if err != nil {
		return nil, err
	}
	defer db.Drop()

	key := []byte(rand.Text() + rand.Text()) // 52 characters, for HS256
	srv, err := startServer(bin, dir, []string{
		"DATABASE_URL=" + db.URL,
		"JWT_SECRET_KEY=" + string(key),
		// The wrk token must outlive the run.
		"JWT_ACCESS_TOKEN_LIFETIME=" + max(15*time.Minute, o.Duration+5*time.Minute).String(),
	})
	if err != nil {
		return nil, err
	}
	res := &result{Store: db.Label, Log: srv.Log}
	defer func() {
		if res.StopErr = srv.Stop(); res.StopErr != nil && res.ServerDied == nil {
			fmt.Println("soak: the server's exit:", res.StopErr)
		}
	}()
	fmt.Printf("soak: example server pid %d on %s, %s; load for %s\n", srv.Pid(), srv.Addr, db.Label, o.Duration)

	base := "http://" + srv.Addr
	c := newClient(base)
	fx, err := setup(ctx, c, key)
	if err != nil {
		return res, fmt.Errorf("setup: %w", err)
	}

	res.Wrk = []*wrkRun{
		{Kind: "profile (wrk)", URL: base + "/api/profile", Token: fx.Access, Conns: o.ProfileConns},
		{Kind: "public (wrk)", URL: base + "/", Conns: o.PublicConns},
	}
	load, stop := context.WithTimeout(ctx, o.Duration)
	defer stop()
	var wg sync.WaitGroup
	start := time.Now()
	for _, w := range res.Wrk {
		// wrk stops itself after the duration; only an interrupt kills it.
		wg.Go(func() { w.run(ctx, o.Duration, o.Script) })
	}
	wg.Go(func() { c.signinLoop(ctx, load, o.SigninRate) })
	wg.Go(func() { c.refreshChain(ctx, load, o.RefreshRate) })
	wg.Go(func() { c.badTokenLoop(ctx, load, o.BadRate/2, fx.Bad, 0) })
	wg.Go(func() { c.badTokenLoop(ctx, load, o.BadRate/2, fx.Bad, len(fx.Bad)/2) })

	loadDone := make(chan struct{})
	go func() { wg.Wait(); close(loadDone) }()
	tick := time.NewTicker(o.Sample)
	defer tick.Stop()
	takeSample := func() {
		s, err := readProc(srv.Pid())
		if err != nil {
			return // the server is gone; reported below
		}
		s.At = time.Since(start)
		res.Samples = append(res.Samples, s)
		served, s5, _, errs := srv.Log.Counts()
		noAnswer := 0
		for _, k := range c.snapshot() {
			noAnswer += k.Transport
		}
		fmt.Printf("soak: t=%4.0fs  rss %7.1f MiB  fds %4d  threads %3d  served %9d  5xx %d  error lines %d  driver requests without answer %d\n",
			s.At.Seconds(), float64(s.RSS)/1024, s.FDs, s.Threads, served, s5, errs, noAnswer)
	}
	takeSample()
wait:
	for {
		select {
		case <-loadDone:
			break wait
		case <-srv.exited:
			res.ServerDied = fmt.Errorf("the server exited during the load: %v", srv.err)
			stop()
			<-loadDone
			break wait
		case <-tick.C:
			takeSample()
		}
	}
	res.Elapsed = time.Since(start)
	res.During = len(res.Samples)
	takeSample() // with the load just ended: connections closed, garbage not yet collected
	res.Driver = c.snapshot()
	if db.Sessions != nil {
		n, err := db.Sessions()
		if err != nil {
			fmt.Println("soak: reading pg_stat_database:", err)
		}
		res.PGSessions = n
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("interrupted after %s", res.Elapsed.Round(time.Second))
	}
	return res, nil
}
