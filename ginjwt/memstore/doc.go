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
// An application with its own user model gets the same store for it with
// [NewFor] and a [Model]: the few functions that build a user from a
// signup and set the fields the store writes (password hash and
// credentials version, active flag, and optionally last login, profile,
// staff flag, updated time). [Store] is [Generic] of [User].
//
//	store := memstore.NewFor(memstore.Model[Account]{New: …, SetPasswordHash: …, SetActive: …})
//
// The store hands out copies: changing a returned [User] or session never
// changes what the store holds.
package memstore
