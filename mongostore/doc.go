// Package mongostore keeps ginjwt users and sessions in MongoDB, or in a
// server that speaks its wire protocol such as FerretDB.
//
// [Store] implements both [ginjwt.UserStore] and [ginjwt.SessionStore] on
// a *mongo.Database that the application has connected:
//
//	client, err := mongo.Connect(options.Client().ApplyURI(uri))
//	...
//	store, err := mongostore.New[mongostore.User](client.Database("app"))
//	...
//	if err := store.EnsureIndexes(ctx); err != nil { ... }
//
// An application that keeps more per user embeds [User] inline in its own
// document type and passes that type instead:
//
//	type Account struct {
//		mongostore.User `bson:",inline"`
//		Plan string `bson:"plan" json:"plan"`
//	}
//	store, err := mongostore.New[Account](db)
//
// # Collections
//
//	users                 the user documents (see User)
//	sessions              {_id: session id, user_id, created_at, last_used_at,
//	                       expires_at, revoked_at, user_agent, ip}
//	refresh_tokens        {_id: token hash, session_id, created_at, check_at}
//	spent_refresh_tokens  {_id: token hash, session_id, spent_at, check_at}
//	revoked_sessions      {_id: session id, user_id, revoked_at, check_at}
//
// Times are stored as BSON dates, in UTC with millisecond precision, and
// returned the same way.
//
// # Safety
//
// Every call puts a deadline on its context (3 s, see [WithTimeout]), so
// an unreachable server fails a request promptly instead of after the
// driver's 30 s server selection. Every query value is a Go string (or an
// ObjectID parsed from one) bound in a bson.D, so input such as
// {"$ne": null} is compared as a string and never becomes an operator; an
// id that is not an ObjectID's hex form is simply not found.
//
// Rotation and revocation hold under concurrency on MongoDB and on
// FerretDB v1, whose updates are not atomic: the winner of concurrent
// rotations is decided by an insert into spent_refresh_tokens (see
// [Store.RotateRefreshToken]), and each revocation is also recorded by an
// insert into revoked_sessions, which a concurrent rotation checks (see
// [Store.RevokeSession]). docs/stores-mongo.md explains both, and what
// stays unguarded on FerretDB: concurrent updates of one user document.
package mongostore
