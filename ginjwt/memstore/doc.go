// Package memstore keeps ginjwt users and sessions in memory. It is meant
// for tests, examples and benchmarks: everything is lost when the process
// exits, and a [Store] cannot be shared between processes.
//
// One [Store] implements both ginjwt.UserStore[User] and
// ginjwt.SessionStore, and passes the ginjwt/storetest conformance suite:
//
//	package main
//
//	import (
//		"fmt"
//
//		"github.com/ginjwt/ginjwt/ginjwt"
//		"github.com/ginjwt/ginjwt/ginjwt/memstore"
//	)
//
//	func main() {
//		store := memstore.New()
//		var users ginjwt.UserStore[memstore.User] = store
//		var sessions ginjwt.SessionStore = store
//		cfg := ginjwt.Config[memstore.User]{SigningKey: []byte("a test key of at least 32 bytes!"), Users: users, Sessions: sessions}
//		fmt.Println(ginjwt.MustCompile(cfg) != nil)
//	}
//
// An application with its own user model gets the same store for it with
// [NewFor] and a [Model]: the few functions that build a user from a
// signup and set the fields the store writes (password hash and
// credentials version, active flag, and optionally last login, profile,
// staff flag, updated time). [Store] is [Generic] of [User]; the
// example of [NewFor] shows a model.
//
// The store hands out copies: changing a returned [User] or session never
// changes what the store holds.
package memstore
