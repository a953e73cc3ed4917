// Package tcpproxy is a loopback TCP proxy for tests of network outages.
//
// A test points a client (a database driver, say) at [Proxy.Addr] instead
// of the real server, then calls [Proxy.Cut] to make the server vanish as
// a broken network would: every open connection is closed and new ones are
// accepted and closed at once. [Proxy.Restore] brings the path back, so
// the test can check that the client recovers on its own. The real server
// is never touched.
package tcpproxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// dialTimeout bounds each connection to the target, so that an
// unreachable target closes the client's connection instead of holding it.
const dialTimeout = 5 * time.Second

// Proxy forwards TCP connections from a loopback address to a target.
// Its methods are safe for concurrent use.
type Proxy struct {
	target string
	ln     net.Listener

	mu     sync.Mutex
	cut    bool
	closed bool
	conns  map[net.Conn]struct{} // both ends of every live connection
	wg     sync.WaitGroup        // the accept loop and the copying goroutines
}

// Start listens on 127.0.0.1 at a free port and forwards every connection
// to target (host:port). The proxy is closed in t.Cleanup, with all its
// connections. It fails the test if it cannot listen.
func Start(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("tcpproxy: listen: %v", err)
	}
	p := &Proxy{target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Addr returns the proxy's address, host:port, for clients to dial.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut closes every live connection and, until [Proxy.Restore], accepts new
// connections only to close them at once: to a client the server looks
// gone. It does not wait for the copying goroutines to end.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.closeConns()
}

// Restore forwards new connections to the target again after [Proxy.Cut].
// Connections closed by the cut stay closed.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// close stops the listener, closes every connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) close() {
	p.mu.Lock()
	p.closed = true
	p.closeConns()
	p.mu.Unlock()
	_ = p.ln.Close()
	p.wg.Wait()
}

// closeConns closes every tracked connection. The caller holds mu.
func (p *Proxy) closeConns() {
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue // a transient accept error; the next one may work
		}
		p.mu.Lock()
		refuse := p.cut || p.closed
		if !refuse {
			p.wg.Add(1)
		}
		p.mu.Unlock()
		if refuse {
			_ = client.Close()
			continue
		}
		go p.forward(client)
	}
}

// forward dials the target for client and copies bytes both ways until
// either side closes, then closes both.
func (p *Proxy) forward(client net.Conn) {
	defer p.wg.Done()
	server, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		_ = client.Close()
		return
	}
	// A cut (or close) may have come while dialing: it did not see these
	// connections, so check again before tracking them.
	p.mu.Lock()
	if p.cut || p.closed {
		p.mu.Unlock()
		_ = client.Close()
		_ = server.Close()
		return
	}
	p.conns[client] = struct{}{}
	p.conns[server] = struct{}{}
	p.mu.Unlock()

	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done // one side ended: end the other
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
	_ = client.Close()
	_ = server.Close()
	<-done
}
