package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkRun is one wrk process against one route, and what it reported.
type wrkRun struct {
	Kind     string
	URL      string
	Token    string
	Conns    int
	Requests int         // "N requests in …"
	Statuses map[int]int // from the Lua script's done()
	Socket   socketErrors
	Output   string
	Err      error
}

// socketErrors is wrk's "Socket errors:" line; wrk prints it only when one
// of them is non-zero.
type socketErrors struct{ Connect, Read, Write, Timeout int }

func (s socketErrors) total() int { return s.Connect + s.Read + s.Write + s.Timeout }

// run runs wrk for d with one thread, the Lua script at script, and the
// run's token (if any) in SOAK_TOKEN. Timeouts count as socket errors; wrk
// times a request out after 10 s here (its default is 2 s, which a 2-core
// machine running the server, two wrks and the driver can exceed without
// anything being wrong; 10 s cannot).
func (w *wrkRun) run(ctx context.Context, d time.Duration, script string) {
	secs := max(1, int(math.Ceil(d.Seconds())))
	cmd := exec.CommandContext(ctx, "wrk", "-t1", "-c"+strconv.Itoa(w.Conns), "-d"+strconv.Itoa(secs)+"s",
		"--timeout", "10s", "--latency", "-s", script, w.URL)
	cmd.Env = append(os.Environ(), "SOAK_TOKEN="+w.Token)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	w.Output = out.String()
	if err != nil {
		w.Err = fmt.Errorf("wrk: %w", err)
		return
	}
	w.Err = w.parse(w.Output)
}

var (
	reRequests = regexp.MustCompile(`(?m)^\s*(\d+) requests in `)
	reSocket   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	reStatus   = regexp.MustCompile(`(?m)^soak-status (\d+) (\d+)$`)
)

// parse reads wrk's summary and the script's status lines.
func (w *wrkRun) parse(out string) error {
	m := reRequests.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("wrk printed no request count:\n%s", out)
	}
	w.Requests, _ = strconv.Atoi(m[1])
	if m := reSocket.FindStringSubmatch(out); m != nil {
		w.Socket.Connect, _ = strconv.Atoi(m[1])
		w.Socket.Read, _ = strconv.Atoi(m[2])
		w.Socket.Write, _ = strconv.Atoi(m[3])
		w.Socket.Timeout, _ = strconv.Atoi(m[4])
	}
	w.Statuses = map[int]int{}
	for _, m := range reStatus.FindAllStringSubmatch(out, -1) {
		code, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		w.Statuses[code] += n
	}
	if len(w.Statuses) == 0 && w.Requests > 0 {
		return fmt.Errorf("the Lua script printed no statuses (is it %s?):\n%s", "internal/soak/route.lua", out)
	}
	return nil
}

// summary is wrk's own output without the script's status lines.
func (w *wrkRun) summary() string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(w.Output, "\n"), "\n") {
		if !strings.HasPrefix(line, "soak-status ") {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}
