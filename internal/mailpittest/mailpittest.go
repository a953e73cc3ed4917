// Package mailpittest runs a real SMTP server for tests: Mailpit
// (github.com/axllent/mailpit), built once from the module proxy into a
// cache folder and run as a subprocess on loopback ports, never imported
// into our module. Tests read delivered mail back through its HTTP API.
//
// When Mailpit cannot be built or started, Start skips the test loudly, or
// fails it when CI=true.
package mailpittest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	module  = "github.com/axllent/mailpit"
	version = "v1.33.1"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds Mailpit into the user cache folder, once per machine.
func binary() (string, error) {
	buildOnce.Do(func() {
		if bin := os.Getenv("MAILPIT_BIN"); bin != "" {
			binPath = bin
			return
		}
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir := filepath.Join(base, "ginjwt-mailpit", version)
		bin := filepath.Join(dir, "mailpit")
		if _, err := os.Stat(bin); err == nil {
			binPath = bin
			return
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			buildErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "install", module+"@"+version)
		// Outside our module: its go.mod must not see Mailpit's dependencies.
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go install %s@%s: %w\n%s", module, version, err, out)
			return
		}
		binPath = bin
	})
	return binPath, buildErr
}

// Server is a running Mailpit.
type Server struct {
	SMTPAddr string // host:port of its SMTP server
	api      string // base URL of its HTTP API
	cmd      *exec.Cmd
	flags    []string // extra flags
}

// Start runs a fresh Mailpit for t, stopped at t's cleanup.
func Start(t testing.TB) *Server { return StartWith(t) }

// StartWith is Start with more command-line flags for Mailpit, such as
// "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-tls".
func StartWith(t testing.TB, flags ...string) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		unavailable(t, err)
	}
	s := &Server{SMTPAddr: freeAddr(t), flags: flags}
	s.start(t, bin, freeAddr(t))
	return s
}

func (s *Server) start(t testing.TB, bin, httpAddr string) {
	t.Helper()
	s.api = "http://" + httpAddr
	args := []string{"--smtp", s.SMTPAddr, "--listen", httpAddr,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--quiet", "--disable-version-check",
		"--smtp-auth-accept-any"}
	if len(s.flags) == 0 {
		// Plain SMTP on loopback: allow authentication without TLS
		// (Mailpit refuses this flag when TLS is required).
		args = append(args, "--smtp-auth-allow-insecure")
	}
	s.cmd = exec.Command(bin, append(args, s.flags...)...)
	if err := s.cmd.Start(); err != nil {
		unavailable(t, err)
	}
	cmd := s.cmd
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.api + "/api/v1/messages"); err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", s.SMTPAddr); err == nil {
				c.Close()
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	unavailable(t, fmt.Errorf("mailpit did not start on %s", s.SMTPAddr))
}

// Stop kills the server (its SMTP port then refuses connections).
func (s *Server) Stop() { _ = s.cmd.Process.Kill(); _, _ = s.cmd.Process.Wait() }

// Restart starts the server again on the same SMTP port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s.api)
	s.start(t, bin, u.Host)
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("mailpittest: Mailpit is unavailable (CI=true makes this a failure): %v", err)
	}
	t.Skipf("mailpittest: SKIPPING, Mailpit is unavailable: %v", err)
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// Mail is a delivered message as the API gives it.
type Mail struct {
	ID      string
	Subject string
	Text    string
	Headers map[string][]string
}

// WaitFor waits until a mail to addr, newest first, has arrived and
// returns it, with its text and headers.
func (s *Server) WaitFor(t testing.TB, addr string, n int) Mail {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var list struct {
			Messages []struct {
				ID string
			} `json:"messages"`
		}
		if s.get(t, "/api/v1/search?query="+url.QueryEscape("to:"+addr), &list) && len(list.Messages) >= n {
			var m Mail
			s.get(t, "/api/v1/message/"+list.Messages[0].ID, &m)
			s.get(t, "/api/v1/message/"+list.Messages[0].ID+"/headers", &m.Headers)
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("mailpittest: no mail #%d to %s arrived", n, addr)
	return Mail{}
}

// Count returns how many mails to addr arrived.
func (s *Server) Count(t testing.TB, addr string) int {
	t.Helper()
	var list struct {
		Total int `json:"messages_count"`
	}
	s.get(t, "/api/v1/search?query="+url.QueryEscape("to:"+addr), &list)
	return list.Total
}

func (s *Server) get(t testing.TB, path string, v any) bool {
	t.Helper()
	res, err := http.Get(s.api + path)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	return res.StatusCode == http.StatusOK && json.NewDecoder(res.Body).Decode(v) == nil
}
