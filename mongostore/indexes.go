package mongostore

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Server error codes that mean "this server cannot do that".
const (
	codeCommandNotSupported = 115
	codeNotImplemented      = 238
)

// EnsureIndexes creates the indexes the store relies on; call it once at
// start-up, before the first CreateUser. It is idempotent.
//
//   - users: a unique index on email_normalized. It is what makes
//     CreateUser return ginjwt.ErrUserExists when two sign-ups race. It is a
//     plain index over the normalised copy of the email, with no collation
//     or partial filter, which FerretDB does not implement.
//   - users: a unique, sparse index on username_normalized, a field that
//     users without a username do not have, so any number of them fit.
//     Before building it, EnsureIndexes fills in username_normalized for
//     users that have a username but not the field (documents written
//     before it existed); if two of them normalise alike it changes
//     nothing and fails with an error naming them.
//   - sessions: user_id, for listing and revoking a user's sessions; and a
//     TTL index on expires_at where the server supports it (see below).
//   - refresh_tokens and spent_refresh_tokens: session_id, for purging a
//     session's hashes; check_at, for the orphan sweep of PurgeExpired.
//   - revoked_sessions: check_at.
//   - mail_tokens: (user_id, kind, created_at), for the cooldown;
//     expires_at on it and on spent_mail_tokens, for PurgeMailTokens.
//
// The TTL index makes MongoDB delete expired sessions by itself, within
// about a minute of their expiry. FerretDB answers NotImplemented to TTL
// indexes; EnsureIndexes then creates a plain index on expires_at instead
// and returns no error, and expired sessions stay until PurgeExpired
// deletes them. [Store.TTL] reports which of the two happened. Either way,
// run PurgeExpired periodically: it is also what deletes the token hashes
// of sessions the TTL index removed.
func (s *Store[U]) EnsureIndexes(ctx context.Context) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.fillUsernames(ctx); err != nil {
		return err
	}
	plain := []struct {
		coll  *mongo.Collection
		model mongo.IndexModel
	}{
		{s.users, mongo.IndexModel{
			Keys:    bson.D{{Key: "email_normalized", Value: 1}},
			Options: options.Index().SetName("email_normalized_unique").SetUnique(true),
		}},
		{s.users, usernameIndex},
		{s.sessions, index("user_id")},
		{s.tokens, index("session_id")},
		{s.tokens, index("check_at")},
		{s.spent, index("session_id")},
		{s.spent, index("check_at")},
		{s.revoked, index("check_at")},
		{s.mail, mongo.IndexModel{
			Keys:    bson.D{{Key: "user_id", Value: 1}, {Key: "kind", Value: 1}, {Key: "created_at", Value: -1}},
			Options: options.Index().SetName("user_kind_created"),
		}},
		{s.mail, index("expires_at")},
		{s.spentMail, index("expires_at")},
	}
	for _, p := range plain {
		if _, err := p.coll.Indexes().CreateOne(ctx, p.model); err != nil {
			return fmt.Errorf("mongostore: create index on %s: %w", p.coll.Name(), err)
		}
	}

	_, err := s.sessions.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "expires_at", Value: 1}},
		Options: options.Index().SetName("expires_at_ttl").SetExpireAfterSeconds(0),
	})
	if err == nil {
		s.ttl.Store(true)
		return nil
	}
	if !unsupported(err) {
		return fmt.Errorf("mongostore: create TTL index on %s: %w", s.sessions.Name(), err)
	}
	s.ttl.Store(false)
	if _, err := s.sessions.Indexes().CreateOne(ctx, index("expires_at")); err != nil {
		return fmt.Errorf("mongostore: create index on %s: %w", s.sessions.Name(), err)
	}
	return nil
}

// TTL reports whether the last EnsureIndexes created (or found) the TTL
// index on session expiry. It is false before EnsureIndexes and on servers
// without TTL indexes (FerretDB), where only PurgeExpired deletes expired
// sessions.
func (s *Store[U]) TTL() bool { return s.ttl.Load() }

// index is a plain ascending index on one field, named after it.
func index(field string) mongo.IndexModel {
	return mongo.IndexModel{
		Keys:    bson.D{{Key: field, Value: 1}},
		Options: options.Index().SetName(field),
	}
}

// unsupported reports whether err says the server does not implement the
// command or option.
func unsupported(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) &&
		(se.HasErrorCode(codeNotImplemented) || se.HasErrorCode(codeCommandNotSupported))
}
