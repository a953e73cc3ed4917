package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testLimits are small, so that the tests below wait for each limit in a
// fraction of a second.
var testLimits = connLimits{
	ReadHeader:     300 * time.Millisecond,
	Read:           600 * time.Millisecond,
	Write:          time.Second,
	Idle:           300 * time.Millisecond,
	MaxHeaderBytes: 4 << 10,
}

// closeBound is how long a test waits for the server to hang up: far
// beyond every limit above, so a slow machine does not fail the test, and
// far below what a pinned connection would cost.
const closeBound = 10 * time.Second

func TestDefaultLimitsAreAllSet(t *testing.T) {
	srv := newHTTPServer(":0", http.NotFoundHandler(), defaultLimits)
	assert.Positive(t, srv.ReadHeaderTimeout, "ReadHeaderTimeout")
	assert.Positive(t, srv.ReadTimeout, "ReadTimeout")
	assert.Positive(t, srv.WriteTimeout, "WriteTimeout")
	assert.Positive(t, srv.IdleTimeout, "IdleTimeout")
	assert.Positive(t, srv.MaxHeaderBytes, "MaxHeaderBytes")
	assert.LessOrEqual(t, srv.ReadHeaderTimeout, srv.ReadTimeout)
	assert.Less(t, srv.MaxHeaderBytes, http.DefaultMaxHeaderBytes, "below net/http's 1 MiB default")
}

// startLimited serves a trivial handler with limits l on a loopback port
// and returns its address.
func startLimited(t *testing.T, l connLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := newHTTPServer("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "incomplete body", http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}), l)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, closeBound)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// trickle writes one byte of s every interval until the server stops
// taking them or stop is closed; it keeps the connection busy the way a
// slowloris client does.
func trickle(conn net.Conn, s string, interval time.Duration, stop <-chan struct{}) {
	for i := 0; ; i = (i + 1) % len(s) {
		select {
		case <-stop:
			return
		case <-time.After(interval):
		}
		if _, err := conn.Write([]byte{s[i]}); err != nil {
			return
		}
	}
}

// readUntilClosed reads what the server sends until it hangs up, and
// fails the test if the connection is still open after closeBound.
func readUntilClosed(t *testing.T, conn net.Conn) string {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(closeBound)))
	got, err := io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept the connection open for %s; read so far: %q", closeBound, got)
	}
	// EOF (nil from ReadAll) or a reset: either way the server hung up.
	return string(got)
}

func TestSlowHeaderIsCut(t *testing.T) {
	conn := dial(t, startLimited(t, testLimits))
	_, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: example\r\n")
	require.NoError(t, err)
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, "X-Slow: a-header-that-never-ends", 20*time.Millisecond, stop)

	got := readUntilClosed(t, conn)
	assert.NotContains(t, got, "200 OK", "an unfinished request got an answer")
}

func TestSlowBodyIsCut(t *testing.T) {
	conn := dial(t, startLimited(t, testLimits))
	_, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: example\r\nContent-Length: 100000\r\n\r\n")
	require.NoError(t, err)
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, "x", 20*time.Millisecond, stop)

	got := readUntilClosed(t, conn)
	assert.NotContains(t, got, "200 OK", "an unfinished body got an answer")
}

func TestIdleKeepAliveIsClosed(t *testing.T) {
	conn := dial(t, startLimited(t, testLimits))
	_, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: example\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(closeBound)))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "ok", string(body))
	require.False(t, resp.Close, "the first response keeps the connection alive")

	// Send nothing more: the server closes the idle connection.
	rest, err := io.ReadAll(br)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept an idle connection open for %s", closeBound)
	}
	assert.Empty(t, string(rest))
}

func TestOversizedHeaderIs431(t *testing.T) {
	conn := dial(t, startLimited(t, testLimits))
	big := strings.Repeat("a", 2*testLimits.MaxHeaderBytes)
	_, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: example\r\nX-Big: "+big+"\r\n\r\n")
	require.NoError(t, err)
	got := readUntilClosed(t, conn)
	assert.True(t, strings.HasPrefix(got, "HTTP/1.1 431 "), "got %q", got)
}
