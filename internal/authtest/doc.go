// Package authtest holds the HTTP-level scenarios that every store backend
// must pass: the ready-made auth routes ([ginjwt.Mount]) and a protected
// route, served by a gin engine over a real database and driven the way a
// client drives them.
//
// A backend's test describes how to reach its database in a [Backend] and
// hands it to [Run], which runs every scenario as a subtest on a fresh
// database:
//
//	func TestIntegration(t *testing.T) {
//		authtest.Run(t, func(t *testing.T) authtest.Backend[mystore.User] {
//			db := freshDatabase(t)
//			return authtest.Backend[mystore.User]{Open: ..., CountUsers: ...}
//		})
//	}
//
// The scenarios are [ConcurrentRefresh], [ConcurrentSignup], [Restart] and
// [Throttle]. [Server] and the request helpers beside it are exported too,
// for the tests that only one backend can run (several instances on one
// database, a database that goes away).
//
// This is a test-support package: it imports testing and is imported only
// by tests.
package authtest
