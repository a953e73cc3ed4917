// Package benchfmt reads the text output of `go test -bench`: one Run per
// result line, with its metrics by unit. It serves the bench module's
// commands (ratios, chart).
package benchfmt

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Run is one result line: the benchmark's name without "Benchmark" and
// without the GOMAXPROCS suffix, its iteration count, and each value by
// its unit ("ns/op", "allocs/op", "warm-ns/op", ...).
type Run struct {
	Name    string
	N       int
	Metrics map[string]float64
}

var procs = regexp.MustCompile(`-\d+$`)

// Parse returns the result lines of r in order; other lines (goos, PASS,
// logs) are skipped.
func Parse(r io.Reader) ([]Run, error) {
	var runs []Run
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		run := Run{Name: procs.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), ""), N: n, Metrics: map[string]float64{}}
		ok := true
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				ok = false
				break
			}
			run.Metrics[f[i+1]] = v
		}
		if ok {
			runs = append(runs, run)
		}
	}
	return runs, sc.Err()
}
