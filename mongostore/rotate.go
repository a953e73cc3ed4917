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
//
// The spend also carries an id of its own attempt, so that a rotation
// whose insert reports an error can remove its spend without the risk of
// removing the spend of a concurrent winner: an insert can be applied
// although its reply is lost, and leaving that spend in place would make
// the client's retry of the same token look like reuse.

// spendDoc is the spentDoc that a rotation inserts, with the id of the
// attempt. Its fields other than Attempt are spentDoc's, which reads it.
type spendDoc struct {
	Hash      string        `bson:"_id"`
	SessionID string        `bson:"session_id"`
	SpentAt   time.Time     `bson:"spent_at"`
	CheckAt   time.Time     `bson:"check_at"`
	Attempt   bson.ObjectID `bson:"attempt"`
}

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
	spend := spendDoc{
		Hash:      oldHash,
		SessionID: d.ID,
		SpentAt:   now,
		CheckAt:   expiresAt,
		Attempt:   bson.NewObjectID(),
	}
	_, err = s.spent.InsertOne(ctx, spend)
	if mongo.IsDuplicateKeyError(err) {
		return fail(s.reuseError(ctx, d, oldHash))
	}
	if err != nil {
		// The insert may have been applied all the same.
		s.unspend(ctx, spend, "")
		return fail(err)
	}

	if err := s.insertToken(ctx, newHash, d.ID, now, expiresAt); err != nil {
		// The insert may have been applied although it reported an error
		// (a reply lost on the way back), so remove the new token too;
		// unless it failed as a duplicate, which means the hash is
		// another token's.
		undoNew := newHash
		if mongo.IsDuplicateKeyError(err) {
			undoNew = ""
		}
		s.unspend(ctx, spend, undoNew)
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
		// The update may have been applied all the same.
		s.undoRotation(ctx, spend, newHash)
		return fail(err)
	}

	// On FerretDB the update above may have erased a concurrent
	// revocation; see revoke.go.
	revoked, err := s.enforceRevocation(ctx, d.ID)
	if err != nil {
		// The rotation is written, but whether the session was revoked
		// meanwhile is unknown. Reporting it as a success would hand out
		// a new refresh token on the strength of a check that did not
		// run, and could leave a revocation erased by the update above
		// with nothing to restore it. Failing without undoing the spend
		// (as this did) made the client's retry of the same token look
		// like reuse, so that ginjwt revoked the client's own session
		// and reported a theft. So undo it, as every other failure after
		// the spend does: no new token is issued, the old one works
		// again, and the retry runs this re-check again, which restores
		// any revocation. undoRotation also retries the re-check itself,
		// on a context of its own.
		s.undoRotation(ctx, spend, newHash)
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

// undoRotation undoes a rotation that won, wrote its session update and
// then failed. As on FerretDB that update may have erased a concurrent
// revocation (see revoke.go), the revocation is enforced again before the
// old token is made to work again. Both steps are best effort, on a
// context that survives ctx.
func (s *Store[U]) undoRotation(ctx context.Context, spend spendDoc, newHash string) {
	rctx, cancel := s.detached(ctx)
	s.enforceRevocation(rctx, spend.SessionID)
	cancel()
	s.unspend(ctx, spend, newHash)
}

// unspend undoes a rotation that spent (or may have spent) a token but
// could not finish, so that the old token still works and the client is
// not signed out by a store failure. It removes the spend only if it is
// this attempt's, and newHash unless it is empty. It is best effort: the
// store is likely failing already.
func (s *Store[U]) unspend(ctx context.Context, spend spendDoc, newHash string) {
	ctx, cancel := s.detached(ctx)
	defer cancel()
	if newHash != "" {
		s.tokens.DeleteOne(ctx, bson.D{{Key: "_id", Value: newHash}})
	}
	s.spent.DeleteOne(ctx, bson.D{{Key: "_id", Value: spend.Hash}, {Key: "attempt", Value: spend.Attempt}})
}
