package main

import (
	"net/http"
	"time"
)

// connLimits bounds what one client connection may cost the server, so
// that a slow or idle client (slowloris: a request header sent a byte at a
// time, or a keep-alive connection left open) cannot pin connections,
// goroutines and file descriptors.
type connLimits struct {
	// ReadHeader is the time a client has to send the whole request
	// header, counted from the first byte; trickling bytes does not extend it.
	ReadHeader time.Duration
	// Read is the time to read the whole request, body included. Bodies
	// are small (the auth routes refuse anything over 64 KiB).
	Read time.Duration
	// Write is the time from the end of the request header to the end of
	// the response. It covers a sign-in that waits for a password-hashing
	// slot, whose wait is bounded well below it.
	Write time.Duration
	// Idle is how long a keep-alive connection may wait for its next request.
	Idle time.Duration
	// MaxHeaderBytes caps the request line plus the header; a client that
	// sends more gets 431. A bearer token is well under a kilobyte.
	MaxHeaderBytes int
}

// defaultLimits are the example server's limits. Tests use smaller ones.
var defaultLimits = connLimits{
	ReadHeader:     10 * time.Second,
	Read:           30 * time.Second,
	Write:          30 * time.Second,
	Idle:           2 * time.Minute,
	MaxHeaderBytes: 64 << 10,
}

// newHTTPServer returns a server for h with every connection limit of l set.
func newHTTPServer(addr string, h http.Handler, l connLimits) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}
