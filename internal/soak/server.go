package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is the example server under soak, running as a child process.
type server struct {
	cmd    *exec.Cmd
	Addr   string
	exited chan struct{} // closed when the process has ended
	err    error         // its exit status, once exited is closed
	Log    *logStats
}

// buildServer builds ./example into dir with `go build`, so that the
// process the soak samples is the server itself (not `go run`).
func buildServer(dir string) (string, error) {
	bin := filepath.Join(dir, "example")
	cmd := exec.Command("go", "build", "-o", bin, "./example")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./example: %w", err)
	}
	return bin, nil
}

// startServer runs bin in dir on a loopback port the kernel picks, with
// only the environment given (plus PATH and HOME), and waits until it
// logs the address it listens on.
func startServer(bin, dir string, env []string) (*server, error) {
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "ADDR=127.0.0.1:0"}, env...)
	cmd.Stdout = os.Stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, exited: make(chan struct{}), Log: &logStats{}}
	addr := make(chan string, 1)
	go s.Log.scan(stderr, addr)
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	select {
	case a := <-addr:
		s.Addr = a
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("the example server exited before listening: %v; its log:\n%s", s.err, strings.Join(s.Log.Problems(), "\n"))
	case <-time.After(60 * time.Second):
		s.Stop()
		return nil, errors.New("the example server did not log its address within 60 s")
	}
}

// Pid is the server's process id.
func (s *server) Pid() int { return s.cmd.Process.Pid }

// Exited reports whether the server has ended.
func (s *server) Exited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// Stop asks the server to shut down (SIGTERM), kills it after 20 s, and
// returns how it ended.
func (s *server) Stop() error {
	if !s.Exited() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			return errors.New("the server did not stop within 20 s of SIGTERM; killed")
		}
	}
	return s.err
}

// logStats counts the server's log lines as it writes them: one "request"
// line per answer (with its status), the security events (which the wrong
// passwords cause), and the other warnings and errors, of which it keeps
// the first few.
type logStats struct {
	mu       sync.Mutex
	requests int
	status5x int // 5xx answers but those below
	hungUp5x int // 5xx answers to requests whose client had hung up
	warnings int
	errors   int
	events   map[string]int // security events, by name
	problems []string
}

const maxProblems = 20

func (l *logStats) scan(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		if !sent && strings.Contains(line, `msg="example: listening"`) {
			if a := field(line, "addr"); a != "" {
				addr <- a
				sent = true
			}
		}
		l.add(line)
	}
	// The scanner stops on a line over 1 MiB; keep draining so the server
	// never blocks on a full pipe.
	_, _ = io.Copy(io.Discard, r)
}

func (l *logStats) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	isRequest := strings.Contains(line, `msg=request`)
	status := 0
	if isRequest {
		l.requests++
		status, _ = strconv.Atoi(field(line, "status"))
		if status >= 500 && strings.Contains(line, "context canceled") {
			// The client hung up mid-request and never saw this answer:
			// wrk does so with its requests in flight when it stops.
			// Mid-run, no client of the soak hangs up without the run
			// counting it (wrk's timeouts are socket errors, the
			// driver's are requests without an answer).
			l.hungUp5x++
			return
		}
	}
	problem := status >= 500
	if problem {
		l.status5x++
	}
	switch {
	case strings.Contains(line, `msg="ginjwt security event"`):
		// Expected: the wrong passwords and the throttle's answers to them.
		if l.events == nil {
			l.events = map[string]int{}
		}
		l.events[field(line, "event")]++
	case strings.Contains(line, "level=ERROR"):
		l.errors++
		problem = true
	case strings.Contains(line, "level=WARN"):
		l.warnings++
		problem = true
	}
	if problem && len(l.problems) < maxProblems {
		l.problems = append(l.problems, line)
	}
}

// Counts returns the request lines, those with a 5xx status (but the
// answers to clients that had hung up), and the warning and error lines
// seen so far (those answers' lines not included).
func (l *logStats) Counts() (requests, status5x, warnings, errors int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests, l.status5x, l.warnings, l.errors
}

// HungUp returns the number of 5xx answers to clients that had hung up.
func (l *logStats) HungUp() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hungUp5x
}

// Events returns the security events logged so far, by name.
func (l *logStats) Events() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.events)
}

// Problems returns the first warning, error and 5xx lines.
func (l *logStats) Problems() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.problems...)
}

// field returns the value of key=value in a slog text line (unquoted
// values only, which is all the soak reads).
func field(line, key string) string {
	i := strings.Index(line, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := line[i+len(key)+2:]
	if j := strings.IndexByte(v, ' '); j >= 0 {
		v = v[:j]
	}
	return v
}

// sample is one reading of the server process from /proc.
type sample struct {
	At      time.Duration // since the load started
	RSS     int64         // KiB
	FDs     int
	Threads int
}

// readProc reads the resident set, thread count and open descriptors of
// process pid.
func readProc(pid int) (sample, error) {
	var s sample
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
		switch k {
		case "VmRSS":
			s.RSS, _ = strconv.ParseInt(v, 10, 64)
		case "Threads":
			s.Threads, _ = strconv.Atoi(v)
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, err
	}
	s.FDs = len(fds)
	return s, nil
}
