package mongostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Revocation and FerretDB.
//
// FerretDB v1 applies an update by reading the document, changing it in
// memory and writing the whole document back by _id. A rotation that moves
// a session's expiry can therefore write back a copy read just before a
// concurrent revocation and erase its revoked_at: a logout that races a
// refresh would not hold. Real MongoDB updates atomically and has no such
// gap.
//
// So every revocation is first recorded as an insert into revoked_sessions
// (keyed by session id; inserts are atomic on both servers), then copied
// into the session's revoked_at. A rotation, after its own session update,
// looks for that record and, if it finds one, writes revoked_at again and
// fails. Whatever write erased revoked_at came from a rotation that then
// sees the record and restores it, so the session ends up revoked; the
// record's insert also makes exactly one of two racing revocations of a
// session succeed.

// RevokeSession revokes one live session at now, or returns
// ginjwt.ErrSessionNotFound when it does not exist or is no longer live.
// The revocation is recorded in revoked_sessions before it is written to
// the session, so that it holds against a concurrent rotation on FerretDB
// (see the comment at the top of this file); of two concurrent calls for
// one session, one succeeds.
func (s *Store[U]) RevokeSession(ctx context.Context, id string, now time.Time) error {
	if !validKey(id) {
		return fmt.Errorf("mongostore: revoke session: %w", ginjwt.ErrSessionNotFound)
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	d, err := s.findSession(ctx, liveFilter(id, now))
	if err != nil {
		return fmt.Errorf("mongostore: revoke session: %w", err)
	}
	first, err := s.recordRevocation(ctx, d, now)
	if err != nil {
		return fmt.Errorf("mongostore: revoke session: %w", err)
	}
	if !first {
		// Revoked concurrently. Make sure the session shows it in case
		// that revocation stopped half-way.
		if _, err := s.enforceRevocation(ctx, id); err != nil {
			return fmt.Errorf("mongostore: revoke session: %w", err)
		}
		return fmt.Errorf("mongostore: revoke session: %w", ginjwt.ErrSessionNotFound)
	}
	_, err = s.sessions.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revoked_at", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: dbTime(now)}}}})
	if err != nil {
		return fmt.Errorf("mongostore: revoke session: %w", err)
	}
	return nil
}

// RevokeUserSessions revokes every live session of the user at now and
// returns how many it revoked.
func (s *Store[U]) RevokeUserSessions(ctx context.Context, userID string, now time.Time) (int, error) {
	if !validKey(userID) {
		return 0, nil
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	cur, err := s.sessions.Find(ctx, liveUserFilter(userID, now))
	if err != nil {
		return 0, fmt.Errorf("mongostore: revoke user sessions: %w", err)
	}
	var docs []sessionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("mongostore: revoke user sessions: %w", err)
	}
	if len(docs) == 0 {
		return 0, nil
	}
	ids := make([]string, len(docs))
	n := 0
	for i, d := range docs {
		ids[i] = d.ID
		first, err := s.recordRevocation(ctx, d, now)
		if err != nil {
			return 0, fmt.Errorf("mongostore: revoke user sessions: %w", err)
		}
		if first {
			n++
		}
	}
	_, err = s.sessions.UpdateMany(ctx,
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "revoked_at", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: dbTime(now)}}}})
	if err != nil {
		return 0, fmt.Errorf("mongostore: revoke user sessions: %w", err)
	}
	return n, nil
}

// recordRevocation inserts the revocation record of session d. It reports
// false if the session already had one.
func (s *Store[U]) recordRevocation(ctx context.Context, d sessionDoc, now time.Time) (bool, error) {
	_, err := s.revoked.InsertOne(ctx, revokedDoc{
		SessionID: d.ID,
		UserID:    d.UserID,
		RevokedAt: dbTime(now),
		CheckAt:   d.ExpiresAt,
	})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	return err == nil, err
}

// enforceRevocation looks for a revocation record of session id and, if
// there is one, sets the session's revoked_at from it where it is missing.
// It reports whether the session is revoked.
func (s *Store[U]) enforceRevocation(ctx context.Context, id string) (bool, error) {
	var r revokedDoc
	err := s.revoked.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = s.sessions.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revoked_at", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: r.RevokedAt}}}})
	return true, err
}
