// Command chart draws docs/benchmarks.svg from the output of the bench
// module's `go test -bench` (make bench-chart): the median time of each
// part of BenchmarkSideBySide and of the per-algorithm cold and warm
// routes, as horizontal bars with the bare route marked.
//
//	go run ./cmd/chart -o ../docs/benchmarks.svg bench.out
package main

import (
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ginjwt/ginjwt/bench/benchfmt"
)

// bar is one bar of the chart.
type bar struct {
	label string
	ns    float64
	bare  bool // the reference bar, drawn in another colour
}

// group is a titled set of bars sharing one scale.
type group struct {
	title string
	bars  []bar
}

func main() {
	out := flag.String("o", "", "the SVG file to write (default stdout)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: chart [-o out.svg] bench.out")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	runs, err := benchfmt.Parse(f)
	f.Close()
	if err != nil {
		fail(err)
	}
	groups := build(runs)
	if len(groups) == 0 {
		fail(fmt.Errorf("%s has no SideBySide or Algorithms results", flag.Arg(0)))
	}
	w := io.Writer(os.Stdout)
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			fail(err)
		}
		defer file.Close()
		w = file
	}
	if err := draw(w, groups); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "chart:", err)
	os.Exit(1)
}

// median returns the median of unit over the runs of name, and whether
// there was any.
func median(runs []benchfmt.Run, name, unit string) (float64, bool) {
	var vs []float64
	for _, r := range runs {
		if v, ok := r.Metrics[unit]; ok && r.Name == name {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2, true
	}
	return vs[len(vs)/2], true
}

func build(runs []benchfmt.Run) []group {
	var groups []group
	side := group{title: "HS256, one route, same harness (median ns/op)"}
	for _, p := range []struct{ part, label string }{
		{"bare", "bare gin route"},
		{"warm", "ginjwt, warm (token seen before)"},
		{"warm-sessions", "ginjwt, warm + session check"},
		{"parse", "golang-jwt parse alone"},
		{"cold", "ginjwt, cold (token cache off)"},
		{"uncached", "ginjwt, every cache off"},
		{"appleboy", "appleboy/gin-jwt v2"},
	} {
		if v, ok := median(runs, "SideBySide", p.part+"-ns/op"); ok {
			side.bars = append(side.bars, bar{label: p.label, ns: v, bare: p.part == "bare"})
		}
	}
	if len(side.bars) > 0 {
		groups = append(groups, side)
	}
	var names []string
	for _, r := range runs {
		if strings.HasPrefix(r.Name, "Algorithms/") && !slices.Contains(names, r.Name) {
			names = append(names, r.Name)
		}
	}
	for _, name := range names {
		alg := strings.TrimPrefix(name, "Algorithms/")
		g := group{title: alg + " (median ns/op)"}
		for _, p := range []string{"bare", "warm", "parse", "cold"} {
			if v, ok := median(runs, name, p+"-ns/op"); ok {
				g.bars = append(g.bars, bar{label: alg + " " + p, ns: v, bare: p == "bare"})
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// Layout, in pixels.
const (
	width    = 860
	labelW   = 260
	valueW   = 90
	barH     = 18
	gap      = 6
	titleH   = 28
	groupGap = 14
)

func draw(w io.Writer, groups []group) error {
	height := 10
	for _, g := range groups {
		height += titleH + len(g.bars)*(barH+gap) + groupGap
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	y := 10
	for _, g := range groups {
		maxNs := 0.0
		for _, br := range g.bars {
			maxNs = max(maxNs, br.ns)
		}
		fmt.Fprintf(&b, `<text x="4" y="%d" font-weight="bold">%s</text>`+"\n", y+18, html.EscapeString(g.title))
		y += titleH
		span := float64(width - labelW - valueW - 8)
		for _, br := range g.bars {
			fill := "#4878a8"
			if br.bare {
				fill = "#999999"
			}
			bw := max(1, br.ns/maxNs*span)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelW-6, y+13, html.EscapeString(br.label))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", labelW, y, bw, barH, fill)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(labelW)+bw+4, y+13, human(br.ns))
			y += barH + gap
		}
		y += groupGap
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// human formats nanoseconds as ns or µs.
func human(ns float64) string {
	if ns < 1000 {
		return fmt.Sprintf("%.0f ns", ns)
	}
	return fmt.Sprintf("%.1f µs", ns/1000)
}
