// Package gormstore keeps ginjwt's users and sessions in a SQL database
// through GORM: SQLite (gorm.io/driver/sqlite) or PostgreSQL
// (gorm.io/driver/postgres).
//
// One [Store] is both the [ginjwt.UserStore] and the [ginjwt.SessionStore].
// It takes a database the application has already opened, and never opens
// or closes connections itself:
//
//	db, err := gorm.Open(sqlite.Open(gormstore.SQLiteDSN("app.db")), &gorm.Config{})
//	if err != nil { ... }
//	store := gormstore.MustNew[gormstore.User](db)
//	if err := store.Migrate(ctx); err != nil { ... }
//	cfg := ginjwt.Config[gormstore.User]{Users: store, Sessions: store, ...}
//
// The user model is [User], or the application's own struct that embeds it
// to add columns:
//
//	type Account struct {
//		gormstore.User
//		Plan string
//	}
//	store := gormstore.MustNew[Account](db)
//
// Every call runs under a deadline ([WithTimeout], 3 s by default), so an
// unreachable or locked database turns into a prompt error (ginjwt answers
// 503) rather than a hung request. Look-ups only ever bind their keys as
// parameters; refresh-token rotation is decided by one conditional UPDATE,
// so exactly one of any number of concurrent refreshes wins, also across
// processes. docs/stores-gorm.md explains the design.
package gormstore
