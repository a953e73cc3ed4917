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

// CreateSession stores s and makes refreshHash its first live refresh
// token. The session is written first; if the token cannot be written,
// the session is deleted again (best effort) and the error returned. A
// user agent or IP that is not valid UTF-8 is stored with U+FFFD in place
// of the bad bytes, as BSON strings are UTF-8.
func (s *Store[U]) CreateSession(ctx context.Context, sess ginjwt.Session, refreshHash string) error {
	if sess.ID == "" || refreshHash == "" {
		return errors.New("mongostore: create session: empty session id or refresh-token hash")
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	doc := newSessionDoc(sess)
	if _, err := s.sessions.InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("mongostore: create session: %w", err)
	}
	err := s.insertToken(ctx, refreshHash, doc.ID, doc.CreatedAt, doc.ExpiresAt)
	if err != nil {
		undo, undoCancel := s.detached(ctx)
		defer undoCancel()
		s.sessions.DeleteOne(undo, bson.D{{Key: "_id", Value: doc.ID}})
		return fmt.Errorf("mongostore: create session: %w", err)
	}
	return nil
}

// AddRefreshToken makes hash another live refresh token of a live session,
// or returns ginjwt.ErrSessionNotFound.
func (s *Store[U]) AddRefreshToken(ctx context.Context, sessionID, hash string, now time.Time) error {
	if !validKey(sessionID) {
		return fmt.Errorf("mongostore: add refresh token: %w", ginjwt.ErrSessionNotFound)
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	d, err := s.findSession(ctx, liveFilter(sessionID, now))
	if err != nil {
		return fmt.Errorf("mongostore: add refresh token: %w", err)
	}
	if err := s.insertToken(ctx, hash, d.ID, dbTime(now), d.ExpiresAt); err != nil {
		return fmt.Errorf("mongostore: add refresh token: %w", err)
	}
	return nil
}

// Session returns the session with this id, revoked or not, or
// ginjwt.ErrSessionNotFound.
func (s *Store[U]) Session(ctx context.Context, id string) (ginjwt.Session, error) {
	if !validKey(id) {
		return ginjwt.Session{}, fmt.Errorf("mongostore: session: %w", ginjwt.ErrSessionNotFound)
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	d, err := s.findSession(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return ginjwt.Session{}, fmt.Errorf("mongostore: session: %w", err)
	}
	return d.session(), nil
}

// ListSessions returns the user's live sessions at now, newest first.
func (s *Store[U]) ListSessions(ctx context.Context, userID string, now time.Time) ([]ginjwt.Session, error) {
	if !validKey(userID) {
		return []ginjwt.Session{}, nil
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	cur, err := s.sessions.Find(ctx, liveUserFilter(userID, now),
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("mongostore: list sessions: %w", err)
	}
	var docs []sessionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongostore: list sessions: %w", err)
	}
	list := make([]ginjwt.Session, len(docs))
	for i, d := range docs {
		list[i] = d.session()
	}
	return list, nil
}

// findSession loads the one session that filter matches, or returns
// ginjwt.ErrSessionNotFound.
func (s *Store[U]) findSession(ctx context.Context, filter bson.D) (sessionDoc, error) {
	var d sessionDoc
	err := s.sessions.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, ginjwt.ErrSessionNotFound
	}
	return d, err
}

// insertToken records hash as a refresh token of the session.
func (s *Store[U]) insertToken(ctx context.Context, hash, sessionID string, now, expiresAt time.Time) error {
	if hash == "" {
		return errors.New("empty refresh-token hash")
	}
	_, err := s.tokens.InsertOne(ctx, tokenDoc{
		Hash:      hash,
		SessionID: sessionID,
		CreatedAt: dbTime(now),
		CheckAt:   dbTime(expiresAt),
	})
	return err
}

// liveFilter matches session id if it is neither revoked nor expired at
// now (the same rule as ginjwt.Session.Live).
func liveFilter(id string, now time.Time) bson.D {
	return bson.D{
		{Key: "_id", Value: id},
		{Key: "revoked_at", Value: nil},
		{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: dbTime(now)}}},
	}
}

// liveUserFilter matches the user's live sessions at now.
func liveUserFilter(userID string, now time.Time) bson.D {
	return bson.D{
		{Key: "user_id", Value: userID},
		{Key: "revoked_at", Value: nil},
		{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: dbTime(now)}}},
	}
}

// detached returns a context for undoing a half-done write: it survives
// the cancellation of ctx (whose deadline may be what failed the write)
// and has a fresh deadline of its own.
func (s *Store[U]) detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
}
