// Package memstore keeps ginjwt users and sessions in memory. It is meant
// for tests, examples and benchmarks: everything is lost when the process
// exits, and a [Store] cannot be shared between processes.
//
// One [Store] implements both ginjwt.UserStore[User] and
// ginjwt.SessionStore, and passes the ginjwt/storetest conformance suite:
//
//	store := memstore.New()
//	var users ginjwt.UserStore[memstore.User] = store
//	var sessions ginjwt.SessionStore = store
//
// The store hands out copies: changing a returned [User] or session never
// changes what the store holds.
package memstore
