// Command ratios reads the output of the bench module's `go test -bench`
// (on stdin, or the files named) and prints the ratios the performance
// targets are stated in, as Markdown tables. Each ratio is computed within
// one run of a benchmark, whose parts were timed interleaved, and the
// median over the runs (-count) is printed with the spread.
//
//	go test -run '^$' -bench . -count 10 ./bench | go run ./bench/cmd/ratios
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ginjwt/ginjwt/bench/benchfmt"
)

func main() {
	runs, err := read(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(1)
	}
	if len(runs) == 0 {
		fmt.Fprintln(os.Stderr, "ratios: no benchmark results in the input")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	report(w, runs)
}

func read(files []string) ([]benchfmt.Run, error) {
	if len(files) == 0 {
		return benchfmt.Parse(os.Stdin)
	}
	var all []benchfmt.Run
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		runs, err := benchfmt.Parse(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		all = append(all, runs...)
	}
	return all, nil
}

// target is one ratio: f computes it from one run's metrics (ok false when
// a part is missing), and it meets the target when it is at most max (or
// at least min, when min is set).
type target struct {
	name     string
	f        func(m map[string]float64) (float64, bool)
	max, min float64
}

func ratio(num, den string) func(map[string]float64) (float64, bool) {
	return func(m map[string]float64) (float64, bool) {
		n, ok1 := m[num]
		d, ok2 := m[den]
		return n / d, ok1 && ok2 && d > 0
	}
}

func diff(a, b string) func(map[string]float64) (float64, bool) {
	return func(m map[string]float64) (float64, bool) {
		x, ok1 := m[a]
		y, ok2 := m[b]
		return x - y, ok1 && ok2
	}
}

func coldBudget(m map[string]float64) (float64, bool) {
	c, ok1 := m["cold-ns/op"]
	bare, ok2 := m["bare-ns/op"]
	p, ok3 := m["parse-ns/op"]
	return c / (bare + p), ok1 && ok2 && ok3 && bare+p > 0
}

var sideBySide = []target{
	{name: "warm / bare (ns)", f: ratio("warm-ns/op", "bare-ns/op"), max: 1.5},
	{name: "warm − bare (allocs)", f: diff("warm-allocs/op", "bare-allocs/op"), max: 4},
	{name: "appleboy / warm (ns)", f: ratio("appleboy-ns/op", "warm-ns/op"), min: 4},
	{name: "cold / (bare + parse)", f: coldBudget, max: 1.15},
	{name: "warm-sessions / warm (ns)", f: ratio("warm-sessions-ns/op", "warm-ns/op"), max: 1.10},
	{name: "appleboy / cold (ns)", f: ratio("appleboy-ns/op", "cold-ns/op")},
	{name: "uncached / bare (ns)", f: ratio("uncached-ns/op", "bare-ns/op")},
}

var perAlgorithm = []target{
	{name: "warm / bare", f: ratio("warm-ns/op", "bare-ns/op"), max: 1.5},
	{name: "warm − bare (allocs)", f: diff("warm-allocs/op", "bare-allocs/op"), max: 4},
	{name: "cold / (bare + parse)", f: coldBudget, max: 1.15},
}

var scale = []target{
	{name: "1M rows / 1k rows", f: ratio("rows-1M-ns/op", "rows-1k-ns/op"), max: 1.5},
}

// scaleMongo's large database has 1M sessions unless SCALE_MONGO_ROWS
// said otherwise; the benchmark's output says how many.
var scaleMongo = []target{
	{name: "large / 1k rows", f: ratio("rows-large-ns/op", "rows-1k-ns/op"), max: 1.5},
}

var flood = []target{
	{name: "hot / bare, before the flood", f: value("before-hot/bare")},
	{name: "hot / bare, cache just full", f: value("full-hot/bare")},
	{name: "hot / bare, evicting (median window)", f: value("evicting-hot/bare")},
	{name: "hot / bare, evicting (worst window)", f: value("worst-hot/bare")},
	{name: "evicting / full", f: value("evicting/full")},
	{name: "full / before", f: value("full/before")},
}

func value(unit string) func(map[string]float64) (float64, bool) {
	return func(m map[string]float64) (float64, bool) {
		v, ok := m[unit]
		return v, ok
	}
}

var perStore = []target{
	{name: "warm / bare", f: ratio("warm-ns/op", "bare-ns/op"), max: 1.5},
	{name: "uncached / bare", f: ratio("uncached-ns/op", "bare-ns/op")},
}

func report(w io.Writer, runs []benchfmt.Run) {
	byName := map[string][]map[string]float64{}
	var names []string
	for _, r := range runs {
		if _, ok := byName[r.Name]; !ok {
			names = append(names, r.Name)
		}
		byName[r.Name] = append(byName[r.Name], r.Metrics)
	}
	for _, name := range names {
		ms := byName[name]
		fmt.Fprintf(w, "### %s (%d runs)\n\n", name, len(ms))
		if sub, ok := strings.CutPrefix(name, "TokenCaches/"); ok {
			cacheTable(w, ms, cacheColumns[sub])
			continue
		}
		parts(w, ms)
		switch {
		case name == "SideBySide":
			targets(w, ms, sideBySide)
		case strings.HasPrefix(name, "Algorithms/"):
			targets(w, ms, perAlgorithm)
		case strings.HasPrefix(name, "Stores/"):
			targets(w, ms, perStore)
		case name == "Scale":
			targets(w, ms, scale)
		case name == "ScaleMongo":
			targets(w, ms, scaleMongo)
		case name == "Flood":
			targets(w, ms, flood)
		}
	}
}

// A cache column of BenchmarkTokenCaches: f reads one run's value for
// one cache, whose metrics are named CACHE-ns/op, CACHE-hit-%, ....
type cacheColumn struct {
	title  string
	f      func(m map[string]float64, cache string) (float64, bool)
	format string
	spread bool // print min – max too
}

// metric is the cache's own metric NAME-unit.
func metric(unit string) func(map[string]float64, string) (float64, bool) {
	return func(m map[string]float64, cache string) (float64, bool) {
		v, ok := m[cache+"-"+unit]
		return v, ok
	}
}

// vsOurs is the cache's metric over ginjwt's own cache's, in one run.
func vsOurs(unit string) func(map[string]float64, string) (float64, bool) {
	return func(m map[string]float64, cache string) (float64, bool) {
		v, ok1 := m[cache+"-"+unit]
		o, ok2 := m["ours-"+unit]
		return v / o, ok1 && ok2 && o > 0
	}
}

var (
	nsCol     = cacheColumn{title: "ns/op", f: metric("ns/op"), format: "%.0f", spread: true}
	vsOursCol = cacheColumn{title: "/ ours", f: vsOurs("ns/op"), format: "%.2f", spread: true}
	allocsCol = cacheColumn{title: "allocs/op", f: metric("allocs/op"), format: "%.0f"}
)

var cacheColumns = map[string][]cacheColumn{
	"hot":    {nsCol, vsOursCol, allocsCol, {title: "hit %", f: metric("hit-%"), format: "%.2f"}},
	"insert": {nsCol, vsOursCol, allocsCol},
	"flood": {
		{title: "full ns/op", f: metric("full-ns/op"), format: "%.0f", spread: true},
		{title: "evicting ns/op", f: metric("ns/op"), format: "%.0f", spread: true},
		{title: "evicting / ours", f: vsOurs("ns/op"), format: "%.2f", spread: true},
		{title: "evicting / full", f: func(m map[string]float64, c string) (float64, bool) {
			e, ok1 := m[c+"-ns/op"]
			f, ok2 := m[c+"-full-ns/op"]
			return e / f, ok1 && ok2 && f > 0
		}, format: "%.2f"},
		{title: "p99 ns/op", f: metric("p99-ns/op"), format: "%.0f", spread: true},
		{title: "hot hit %", f: metric("hot-hit-%"), format: "%.3f"},
		{title: "warm hit %", f: metric("warm-hit-%"), format: "%.1f", spread: true},
		{title: "hot hit % after", f: metric("after-hit-%"), format: "%.1f"},
		{title: "flood ns/token", f: metric("flood-ns/token"), format: "%.0f"},
		allocsCol,
	},
}

// cacheTable prints one row per cache of a TokenCaches benchmark, ours
// first, each cell the median over the runs (and its spread).
func cacheTable(w io.Writer, ms []map[string]float64, cols []cacheColumn) {
	var caches []string
	for k := range ms[0] {
		if c, ok := strings.CutSuffix(k, "-ns/op"); ok && !strings.Contains(c, "-") && c != "ours" {
			caches = append(caches, c)
		}
	}
	slices.Sort(caches)
	if _, ok := ms[0]["ours-ns/op"]; ok {
		caches = append([]string{"ours"}, caches...)
	}
	if len(caches) == 0 || len(cols) == 0 {
		parts(w, ms)
		return
	}
	fmt.Fprint(w, "| cache |")
	for _, c := range cols {
		fmt.Fprintf(w, " %s |", c.title)
	}
	fmt.Fprint(w, "\n|---|")
	fmt.Fprint(w, strings.Repeat("---:|", len(cols)))
	fmt.Fprintln(w)
	for _, cache := range caches {
		fmt.Fprintf(w, "| %s |", cache)
		for _, c := range cols {
			vs := collect(ms, func(m map[string]float64) (float64, bool) { return c.f(m, cache) })
			if len(vs) == 0 {
				fmt.Fprint(w, " |")
				continue
			}
			med, lo, hi := stats(vs)
			cell := fmt.Sprintf(c.format, med)
			if c.spread && len(vs) > 1 {
				cell += fmt.Sprintf(" ("+c.format+" – "+c.format+")", lo, hi)
			}
			fmt.Fprintf(w, " %s |", cell)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// parts prints the median time and allocations of each part.
func parts(w io.Writer, ms []map[string]float64) {
	var names []string
	for k := range ms[0] {
		if p, ok := strings.CutSuffix(k, "-ns/op"); ok {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	fmt.Fprintln(w, "| part | ns/op (median) | min – max | allocs/op |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, p := range names {
		med, lo, hi := stats(collect(ms, func(m map[string]float64) (float64, bool) { v, ok := m[p+"-ns/op"]; return v, ok }))
		allocs, _, _ := stats(collect(ms, func(m map[string]float64) (float64, bool) { v, ok := m[p+"-allocs/op"]; return v, ok }))
		fmt.Fprintf(w, "| %s | %.0f | %.0f – %.0f | %.0f |\n", p, med, lo, hi, allocs)
	}
	fmt.Fprintln(w)
}

func targets(w io.Writer, ms []map[string]float64, ts []target) {
	fmt.Fprintln(w, "| ratio | median | min – max | target | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	for _, t := range ts {
		vs := collect(ms, t.f)
		if len(vs) == 0 {
			continue
		}
		med, lo, hi := stats(vs)
		goal, verdict := "", ""
		switch {
		case t.min > 0:
			goal = fmt.Sprintf("≥ %.2f", t.min)
			verdict = pass(med >= t.min)
		case t.max > 0:
			goal = fmt.Sprintf("≤ %.2f", t.max)
			verdict = pass(med <= t.max)
		}
		fmt.Fprintf(w, "| %s | %.2f | %.2f – %.2f | %s | %s |\n", t.name, med, lo, hi, goal, verdict)
	}
	fmt.Fprintln(w)
}

func pass(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func collect(ms []map[string]float64, f func(map[string]float64) (float64, bool)) []float64 {
	var vs []float64
	for _, m := range ms {
		if v, ok := f(m); ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// stats returns the median, minimum and maximum of vs (zeros when empty).
func stats(vs []float64) (med, lo, hi float64) {
	if len(vs) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return med, s[0], s[n-1]
}
