package tcpproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// ioDeadline turns a hang into a test failure; nothing here should wait
// for it when the proxy works.
const ioDeadline = 10 * time.Second

// echoServer answers every line it reads with the same line, and counts
// the connections that reach it.
type echoServer struct {
	addr  string
	conns atomic.Int64
}

func startEcho(t *testing.T) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &echoServer{addr: ln.Addr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			e.conns.Add(1)
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return e
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioDeadline)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(ioDeadline))
	return c
}

// roundTrip sends a line and returns the line read back, or the error.
func roundTrip(c net.Conn, line string) (string, error) {
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", err
	}
	return got[:len(got)-1], nil
}

func mustEcho(t *testing.T, c net.Conn, line string) {
	t.Helper()
	got, err := roundTrip(c, line)
	if err != nil || got != line {
		t.Fatalf("round trip of %q: got %q, %v", line, got, err)
	}
}

// mustBeClosed reads from c and wants end of file or a reset, not data
// and not the test's own deadline (which would mean the proxy held c).
func mustBeClosed(t *testing.T, c net.Conn) {
	t.Helper()
	_, _ = io.WriteString(c, "anyone there?\n") // may fail already: fine
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	switch {
	case n > 0:
		t.Fatalf("read %q from a connection that should be closed", buf[:n])
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatal("the connection is still open: the read waited for the test's deadline")
	case err == nil:
		t.Fatal("read returned nothing and no error")
	}
}

func TestForward(t *testing.T) {
	e := startEcho(t)
	p := Start(t, e.addr)
	a, b := dial(t, p.Addr()), dial(t, p.Addr())
	mustEcho(t, a, "hello")
	mustEcho(t, b, "world")
	mustEcho(t, a, "again")
	if n := e.conns.Load(); n != 2 {
		t.Errorf("the target saw %d connections, want 2", n)
	}
}

func TestCutAndRestore(t *testing.T) {
	e := startEcho(t)
	p := Start(t, e.addr)
	live := dial(t, p.Addr())
	mustEcho(t, live, "before the cut")

	p.Cut()
	mustBeClosed(t, live)
	// New connections are accepted, then closed, and never reach the target.
	for range 3 {
		mustBeClosed(t, dial(t, p.Addr()))
	}
	if n := e.conns.Load(); n != 1 {
		t.Errorf("the target saw %d connections during the cut, want only the first", n)
	}

	p.Restore()
	mustEcho(t, dial(t, p.Addr()), "after the restore")
	if n := e.conns.Load(); n != 2 {
		t.Errorf("the target saw %d connections, want 2", n)
	}
	// Cutting twice and restoring twice is harmless.
	p.Cut()
	p.Cut()
	p.Restore()
	p.Restore()
	mustEcho(t, dial(t, p.Addr()), "still fine")
}

func TestUnreachableTarget(t *testing.T) {
	// A port that was free a moment ago: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	_ = ln.Close()
	p := Start(t, target)
	mustBeClosed(t, dial(t, p.Addr()))
}

func TestClose(t *testing.T) {
	e := startEcho(t)
	p := Start(t, e.addr)
	live := dial(t, p.Addr())
	mustEcho(t, live, "hello")
	p.close() // what t.Cleanup does; it waits for every goroutine
	mustBeClosed(t, live)
	if c, err := net.DialTimeout("tcp", p.Addr(), ioDeadline); err == nil {
		_ = c.Close()
		t.Error("the proxy still accepts connections after close")
	}
	p.close() // t.Cleanup calls it again: harmless
}
