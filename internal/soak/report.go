package main

import (
	"fmt"
	"io"
	"time"
)

// driverKinds is the report order of the driver's own kinds of request.
var driverKinds = []string{kindSignin, kindSigninWrong, kindMe, kindLogout, kindRefresh, kindBadToken}

// print writes the totals and returns the reasons the run failed, if any.
func (r *result) print(w io.Writer, o options) []string {
	var failures []string
	fail := func(format string, args ...any) { failures = append(failures, fmt.Sprintf(format, args...)) }
	secs := r.Elapsed.Seconds()

	for _, run := range r.Wrk {
		fmt.Fprintf(w, "\nwrk, %s, %d connections, %s:\n%s", run.Kind, run.Conns, run.URL, run.summary())
	}

	fmt.Fprintf(w, "\nsoak: %s, load for %s on %s\n", r.Store, r.Elapsed.Round(time.Second), "loopback")
	fmt.Fprintf(w, "%-26s %10s %9s  %s\n", "kind", "requests", "req/s", "statuses")
	total, total5xx, sockets, noAnswer, unexpected := 0, 0, 0, 0, 0
	row := func(kind string, k kindCount) {
		fmt.Fprintf(w, "%-26s %10d %9.1f  %s", kind, k.total(), float64(k.total())/secs, k.statusList())
		if k.Transport > 0 {
			fmt.Fprintf(w, "  no answer:%d", k.Transport)
		}
		fmt.Fprintln(w)
		total += k.total()
		total5xx += k.count5xx()
		noAnswer += k.Transport
		unexpected += k.Unexpected
		for _, e := range k.Examples {
			fmt.Fprintf(w, "%26s   ! %s\n", "", e)
		}
	}
	for _, run := range r.Wrk {
		k := kindCount{Statuses: run.Statuses}
		for s, n := range run.Statuses {
			if s != 200 {
				k.Unexpected += n
			}
		}
		row(run.Kind, k)
		if run.Err != nil {
			fail("%s: %v", run.Kind, run.Err)
		}
		if run.Requests != k.total() {
			fmt.Fprintf(w, "%26s   (wrk counted %d requests; the script saw %d answers)\n", "", run.Requests, k.total())
		}
		sockets += run.Socket.total()
		if run.Socket.total() > 0 {
			fmt.Fprintf(w, "%26s   ! socket errors: connect %d, read %d, write %d, timeout %d\n", "",
				run.Socket.Connect, run.Socket.Read, run.Socket.Write, run.Socket.Timeout)
		}
	}
	for _, kind := range driverKinds {
		row(kind, r.Driver[kind])
	}
	fmt.Fprintf(w, "%-26s %10d %9.1f\n", "total", total, float64(total)/secs)

	served, log5xx, warns, errs := r.Log.Counts()
	fmt.Fprintf(w, "\n5xx: %d (answers), %d (server log), and %d logged for clients that had hung up (wrk's requests in flight when it stops)\n",
		total5xx, log5xx, r.Log.HungUp())
	fmt.Fprintf(w, "socket errors (wrk): %d; driver requests without an answer: %d; answers of the wrong status or challenge: %d\n",
		sockets, noAnswer, unexpected)
	if r.PGSessions > 0 {
		fmt.Fprintf(w, "PostgreSQL: %d connections opened to the run's database (setup included)\n", r.PGSessions)
	}
	fmt.Fprintf(w, "server log: %d request lines, %d warnings, %d errors; security events: %v\n", served, warns, errs, r.Log.Events())
	for _, p := range r.Log.Problems() {
		fmt.Fprintf(w, "    ! %s\n", p)
	}

	warm, last, growth, ok := rssGrowth(r.Samples[:r.During], o.Warmup, r.Elapsed, o.Sample)
	if ok {
		maxFDs := 0
		for _, s := range r.Samples {
			maxFDs = max(maxFDs, s.FDs)
		}
		fmt.Fprintf(w, "RSS (peak over a tenth of the run): %.1f MiB after the %.0f%% warm-up (t=%.0fs), %.1f MiB at the end (t=%.0fs): %+.1f%%\n",
			float64(warm.RSS)/1024, o.Warmup*100, warm.At.Seconds(), float64(last.RSS)/1024, last.At.Seconds(), growth*100)
		first, final := r.Samples[0], r.Samples[r.During-1]
		fmt.Fprintf(w, "open fds: %d before the load, %d at the end of it, %d at most; threads: %d before, %d at the end\n",
			first.FDs, final.FDs, maxFDs, first.Threads, final.Threads)
		if first, final, ok := firstAndLast(r.Samples[:r.During], o.Warmup, r.Elapsed); ok {
			fmt.Fprintf(w, "RSS (single readings): %.1f MiB at t=%.0fs (the first after the warm-up), %.1f MiB at t=%.0fs (the last under load): %+.1f%%\n",
				float64(first.RSS)/1024, first.At.Seconds(), float64(final.RSS)/1024, final.At.Seconds(),
				float64(final.RSS-first.RSS)/float64(first.RSS)*100)
		}
		if r.During < len(r.Samples) {
			after := r.Samples[len(r.Samples)-1]
			fmt.Fprintf(w, "just after the load: RSS %.1f MiB, %d fds, %d threads\n", float64(after.RSS)/1024, after.FDs, after.Threads)
		}
		if growth > o.MaxGrowth {
			fail("RSS grew %.1f%% after the warm-up (limit %.0f%%)", growth*100, o.MaxGrowth*100)
		}
	} else {
		fail("too few RSS samples after the warm-up to judge growth")
	}

	if total5xx > 0 || log5xx > 0 {
		fail("%d 5xx answers (%d in the server log)", total5xx, log5xx)
	}
	if errs > 0 {
		fail("%d error lines in the server log", errs)
	}
	if sockets > 0 {
		fail("%d socket errors", sockets)
	}
	if noAnswer > 0 {
		fail("%d driver requests got no answer", noAnswer)
	}
	if unexpected > 0 {
		fail("%d answers with a status or challenge their kind should never get", unexpected)
	}
	if r.ServerDied != nil {
		fail("%v", r.ServerDied)
	} else if r.StopErr != nil {
		fail("the server did not stop cleanly: %v", r.StopErr)
	}

	if len(failures) == 0 {
		fmt.Fprintln(w, "\nsoak: PASS")
	} else {
		fmt.Fprintln(w, "\nsoak: FAIL")
		for _, f := range failures {
			fmt.Fprintln(w, "  -", f)
		}
	}
	return failures
}

// rssGrowth compares the resident set at the end of the run with the one
// just after the warm-up. A single reading swings by a fifth as the
// password hasher's buffers (19 MiB per argon2id hash) come and go, so
// each side is the peak over a window of a tenth of the run (or of one
// sampling interval every, if longer): the window
// that starts once warmup (a fraction) of the run has passed, and the
// last one. A leak raises the peak as surely as the floor. ok is false
// when either window holds no sample.
func rssGrowth(samples []sample, warmup float64, run, every time.Duration) (warm, last sample, growth float64, ok bool) {
	from := time.Duration(warmup * float64(run))
	window := max(run/10, every)
	for _, s := range samples {
		if s.At >= from && s.At < from+window && s.RSS > warm.RSS {
			warm = s
		}
		if s.At > run-window && s.RSS > last.RSS {
			last = s
		}
	}
	if warm.RSS == 0 || last.RSS == 0 {
		return warm, last, 0, false
	}
	return warm, last, float64(last.RSS-warm.RSS) / float64(warm.RSS), true
}

// firstAndLast returns the first sample taken once warmup (a fraction) of
// the run has passed, and the last sample.
func firstAndLast(samples []sample, warmup float64, run time.Duration) (first, last sample, ok bool) {
	from := time.Duration(warmup * float64(run))
	for _, s := range samples {
		if s.At >= from && s.RSS > 0 {
			return s, samples[len(samples)-1], true
		}
	}
	return first, last, false
}
