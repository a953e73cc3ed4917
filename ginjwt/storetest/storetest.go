// Package storetest is the conformance suite that every ginjwt store passes:
// the in-memory one, gormstore on SQLite and PostgreSQL, and mongostore.
// A backend runs all of it with one call:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Database[User] { ... })
//	}
//
// Every subtest starts from a fresh, empty database and checks one part of
// the contract written in ginjwt.UserStore and ginjwt.SessionStore.
//
// What the suite expects of a store beyond the obvious:
//
//   - Times: the suite passes times truncated to the millisecond and
//     compares them with time.Time.Equal, so a store must keep at least
//     millisecond precision. Every time it returns must be in UTC. Some
//     times are passed in a zone other than UTC; the store must still
//     compare them correctly (store them in UTC).
//   - Liveness is exactly ginjwt.Session.Live: a session whose ExpiresAt
//     equals now is expired.
//   - Malformed input (an empty string, SQL or MongoDB operators, non-UTF-8
//     bytes, a NUL byte, 10 KiB of text) is simply not found: the store
//     answers with the not-found sentinel, never with another error, which
//     callers would take for an unavailable store.
//   - Concurrency: racing creations of one email and racing rotations of
//     one refresh token have exactly one winner; every loser gets the
//     sentinel (ErrUserExists, *ginjwt.ReuseError), never a "database is
//     busy" error.
//   - A cancelled context makes an operation fail with an error that is
//     none of the ginjwt sentinels, and change nothing.
//   - If the user model encodes to a JSON object, that object never holds
//     the password hash, and its "id", "email", "is_active", "is_staff" and
//     "last_login" keys, where present, agree with the store.
//
// The user ids and refresh-token hashes are whatever the store and the
// caller produce; session ids are chosen by the caller, and the suite uses
// 32 lower-case hex digits as ginjwt does.
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
	groups := []struct {
		name  string
		tests []test[U]
	}{
		{"Users", userTests[U]()},
		{"UserLookups", lookupTests[U]()},
		{"Usernames", usernameTests[U]()},
		{"Profile", profileTests[U]()},
		{"Sessions", sessionTests[U]()},
		{"Revocation", revocationTests[U]()},
		{"Refresh", refreshTests[U]()},
		{"Concurrency", concurrencyTests[U]()},
		{"Persistence", persistenceTests[U]()},
		{"Context", contextTests[U]()},
		{"MailTokens", mailTokenTests[U]()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, newEnv(t, fresh))
				})
			}
		})
	}
}

// test is one subtest; it receives a fresh, open database.
type test[U ginjwt.User] struct {
	name string
	run  func(t *testing.T, e *env[U])
}
