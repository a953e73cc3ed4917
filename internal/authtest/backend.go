package authtest

import (
	"sync"
	"testing"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// StoreTimeout is the store deadline that a [Backend] should give its
// stores. The scenarios are about concurrency, not deadlines: a 50-way
// burst under the race detector on a busy two-core machine may queue for
// longer than a store's default without anything being wrong, and a 503
// there would hide what the scenario checks.
const StoreTimeout = 30 * time.Second

// Backend describes one database of a store backend to the scenarios.
type Backend[U ginjwt.User] struct {
	// Open connects to the backend's database, ready for use (tables or
	// indexes created, as a server does at start-up), and returns the
	// stores over it and closeDB, which closes the connection. Every call
	// reaches the same database through a new connection, as a restarted
	// server would; the first call sees an empty database. The scenarios
	// call closeDB at most once, and at the latest when the test ends.
	Open func(t *testing.T) (users ginjwt.UserStore[U], sessions ginjwt.SessionStore, closeDB func())
	// CountUsers returns how many users the database holds, read directly
	// from it rather than through the stores. It is called while the
	// connection of the last Open is still open.
	CountUsers func(t *testing.T) int
}

// open calls b.Open and closes the connection when t ends, unless the
// returned function closed it first.
func (b Backend[U]) open(t *testing.T) (ginjwt.UserStore[U], ginjwt.SessionStore, func()) {
	t.Helper()
	users, sessions, closeFn := b.Open(t)
	var once sync.Once
	closeOnce := func() { once.Do(closeFn) }
	t.Cleanup(closeOnce)
	return users, sessions, closeOnce
}

// server opens b and returns a server over its stores.
func (b Backend[U]) server(t *testing.T) *Server[U] {
	t.Helper()
	users, sessions, _ := b.open(t)
	return NewServer(t, users, sessions)
}

// Run runs every scenario as a subtest, each on the fresh database of a
// Backend that newBackend makes for it.
func Run[U ginjwt.User](t *testing.T, newBackend func(t *testing.T) Backend[U]) {
	t.Helper()
	scenarios := []struct {
		name string
		run  func(*testing.T, Backend[U])
	}{
		{"ConcurrentRefresh", ConcurrentRefresh[U]},
		{"ConcurrentSignup", ConcurrentSignup[U]},
		{"Restart", Restart[U]},
		{"Throttle", Throttle[U]},
		{"SigninRacingPasswordChange", SigninRacingPasswordChange[U]},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, newBackend(t)) })
	}
}
