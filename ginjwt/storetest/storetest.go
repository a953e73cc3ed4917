// Package storetest is the conformance suite that every ginjwt store passes:
// the in-memory one, gormstore on SQLite and PostgreSQL, and mongostore.
// A backend runs all of it with one call:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Database[User] { ... })
//	}
package storetest

import (
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Database is one empty database of a backend under test.
type Database[U ginjwt.User] interface {
	// Open connects to the database and returns its stores. Open may be
	// called again after Close and must then see the same data, as a
	// restarted server would.
	Open(t *testing.T) (ginjwt.UserStore[U], ginjwt.SessionStore)
	// Close closes what the last Open opened.
	Close(t *testing.T)
}

// Run runs the whole suite. fresh returns a new, empty database on each
// call; the suite calls it once per subtest and cleans up through t.Cleanup.
func Run[U ginjwt.User](t *testing.T, fresh func(t *testing.T) Database[U]) {
	t.Helper()
	panic("storetest: being written")
}
