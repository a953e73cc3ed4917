package mongostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// How a rotation picks its one winner.
//
// A conditional update ("set spent where not spent") is atomic on MongoDB
// but not on FerretDB v1, which reads the matching document and then
// writes it back by _id without checking the filter again, so two
// concurrent rotations could both "win" there. An insert with a given _id,
// on the other hand, succeeds at most once on both servers. A rotation
// therefore spends the old token by inserting its hash as the _id of a
// spent_refresh_tokens document: the caller whose insert succeeds is the
// winner; every other caller gets a duplicate-key error, which means the
// token was already spent.

// RotateRefreshToken spends the refresh token whose hash is oldHash and
// makes newHash a live refresh token of its session, moving the session's
// last_used_at to now and expires_at to expiresAt; it returns the updated
// session. Of any number of concurrent calls with the same oldHash exactly
// one succeeds; the others, and any later call, get a *ginjwt.ReuseError
// with the session and the time the token was spent. An unknown oldHash,
// or one whose session is revoked or expired at now, gives
// ginjwt.ErrSessionNotFound.
func (s *Store[U]) RotateRefreshToken(ctx context.Context, oldHash, newHash string, now, expiresAt time.Time) (ginjwt.Session, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	fail := func(err error) (ginjwt.Session, error) {
		return ginjwt.Session{}, fmt.Errorf("mongostore: rotate refresh token: %w", err)
	}
	if !validKey(oldHash) {
		return fail(ginjwt.ErrSessionNotFound)
	}
	now, expiresAt = dbTime(now), dbTime(expiresAt)

	var tok tokenDoc
	err := s.tokens.FindOne(ctx, bson.D{{Key: "_id", Value: oldHash}}).Decode(&tok)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fail(ginjwt.ErrSessionNotFound)
	}
	if err != nil {
		return fail(err)
	}
	d, err := s.findSession(ctx, liveFilter(tok.SessionID, now))
	if err != nil {
		return fail(err)
	}

	// The decision.
	_, err = s.spent.InsertOne(ctx, spentDoc{
		Hash:      oldHash,
		SessionID: d.ID,
		SpentAt:   now,
		CheckAt:   expiresAt,
	})
	if mongo.IsDuplicateKeyError(err) {
		return fail(s.reuseError(ctx, d, oldHash))
	}
	if err != nil {
		return fail(err)
	}

	if err := s.insertToken(ctx, newHash, d.ID, now, expiresAt); err != nil {
		s.unspend(ctx, oldHash, "")
		return fail(err)
	}
	var updated sessionDoc
	err = s.sessions.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: d.ID}, {Key: "revoked_at", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "last_used_at", Value: now},
			{Key: "expires_at", Value: expiresAt},
		}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&updated)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Revoked after this rotation won (the losers of a race revoke
		// the session as reuse): the rotation stands, as it would had it
		// finished first, and the new token dies with its session.
		return s.sessionAfterWin(ctx, d)
	}
	if err != nil {
		s.unspend(ctx, oldHash, newHash)
		return fail(err)
	}

	// On FerretDB the update above may have erased a concurrent
	// revocation; see revoke.go.
	revoked, err := s.enforceRevocation(ctx, d.ID)
	if err != nil {
		return fail(err)
	}
	if revoked {
		return s.sessionAfterWin(ctx, d)
	}
	return updated.session(), nil
}

// sessionAfterWin returns the session of a rotation that won its spend but
// found the session revoked (or purged) afterwards.
func (s *Store[U]) sessionAfterWin(ctx context.Context, d sessionDoc) (ginjwt.Session, error) {
	if cur, err := s.findSession(ctx, bson.D{{Key: "_id", Value: d.ID}}); err == nil {
		return cur.session(), nil
	}
	return d.session(), nil
}

// reuseError builds the *ginjwt.ReuseError for a spent oldHash of the live
// session d.
func (s *Store[U]) reuseError(ctx context.Context, d sessionDoc, oldHash string) error {
	var sp spentDoc
	if err := s.spent.FindOne(ctx, bson.D{{Key: "_id", Value: oldHash}}).Decode(&sp); err != nil {
		return fmt.Errorf("load spent token: %w", err)
	}
	return &ginjwt.ReuseError{Session: d.session(), SpentAt: sp.SpentAt.UTC()}
}

// unspend undoes a rotation that won but could not finish, so that the old
// token still works and the client is not signed out by a store failure.
// It is best effort: the store is likely failing already.
func (s *Store[U]) unspend(ctx context.Context, oldHash, newHash string) {
	ctx, cancel := s.detached(ctx)
	defer cancel()
	if newHash != "" {
		s.tokens.DeleteOne(ctx, bson.D{{Key: "_id", Value: newHash}})
	}
	s.spent.DeleteOne(ctx, bson.D{{Key: "_id", Value: oldHash}})
}
