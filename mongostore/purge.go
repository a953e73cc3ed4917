package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// purgeBatch is how many sessions or token documents one purge step
// handles at a time.
const purgeBatch = 500

// PurgeExpired deletes the sessions that expired before now, revoked or
// not, with their refresh-token hashes and revocation records, and returns
// how many sessions it deleted. It also deletes token hashes and records
// left behind by sessions that are already gone (the TTL index deletes
// expired sessions but not their hashes; see [Store.EnsureIndexes]), so run
// it periodically whether or not the server has TTL indexes. Each call
// gets the store's timeout per batch, not in total.
func (s *Store[U]) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	now = dbTime(now)
	total := 0
	for {
		n, err := s.purgeExpiredBatch(ctx, now)
		total += n
		if err != nil {
			return total, fmt.Errorf("mongostore: purge expired: %w", err)
		}
		if n < purgeBatch {
			break
		}
	}
	for _, c := range []struct {
		coll  *mongo.Collection
		field string // the field that holds the session id
	}{
		{s.tokens, "session_id"},
		{s.spent, "session_id"},
		{s.revoked, "_id"},
	} {
		if err := s.sweepOrphans(ctx, c.coll, c.field, now); err != nil {
			return total, fmt.Errorf("mongostore: purge expired: %w", err)
		}
	}
	return total, nil
}

// purgeExpiredBatch deletes up to purgeBatch expired sessions and what
// belongs to them, the sessions last so that an interrupted purge leaves
// nothing that the next one cannot find.
func (s *Store[U]) purgeExpiredBatch(ctx context.Context, now time.Time) (int, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	ids, err := s.sessionIDs(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	in := bson.D{{Key: "$in", Value: ids}}
	for _, del := range []struct {
		coll  *mongo.Collection
		field string
	}{
		{s.tokens, "session_id"},
		{s.spent, "session_id"},
		{s.revoked, "_id"},
	} {
		if _, err := del.coll.DeleteMany(ctx, bson.D{{Key: del.field, Value: in}}); err != nil {
			return 0, err
		}
	}
	res, err := s.sessions.DeleteMany(ctx, bson.D{
		{Key: "_id", Value: in},
		{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}},
	})
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}

// sessionIDs returns the ids of up to purgeBatch sessions that filter
// matches.
func (s *Store[U]) sessionIDs(ctx context.Context, filter bson.D) ([]string, error) {
	cur, err := s.sessions.Find(ctx, filter, options.Find().
		SetProjection(bson.D{{Key: "_id", Value: 1}}).
		SetLimit(purgeBatch))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

// sweepOrphans deletes the documents of coll whose session is gone or
// expired. Each document carries check_at, the expiry of its session when
// it was written; only documents past it are looked at. A document whose
// session lives on (its expiry moved) gets the session's expiry as its new
// check_at, so every document is looked at about once per expiry period.
func (s *Store[U]) sweepOrphans(ctx context.Context, coll *mongo.Collection, field string, now time.Time) error {
	for {
		n, err := s.sweepBatch(ctx, coll, field, now)
		if err != nil {
			return fmt.Errorf("sweep %s: %w", coll.Name(), err)
		}
		if n < purgeBatch {
			return nil
		}
	}
}

// sweepBatch handles up to purgeBatch due documents and returns how many
// it looked at.
func (s *Store[U]) sweepBatch(ctx context.Context, coll *mongo.Collection, field string, now time.Time) (int, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	due := bson.D{{Key: "check_at", Value: bson.D{{Key: "$lt", Value: now}}}}
	cur, err := coll.Find(ctx, due, options.Find().
		SetProjection(bson.D{{Key: field, Value: 1}}).
		SetLimit(purgeBatch))
	if err != nil {
		return 0, err
	}
	var docs []bson.M
	if err := cur.All(ctx, &docs); err != nil {
		return 0, err
	}
	if len(docs) == 0 {
		return 0, nil
	}
	sessionIDs := make([]string, 0, len(docs))
	for _, d := range docs {
		if id, ok := d[field].(string); ok {
			sessionIDs = append(sessionIDs, id)
		}
	}

	// The sessions that still live, with their current expiry.
	cur, err = s.sessions.Find(ctx, bson.D{
		{Key: "_id", Value: bson.D{{Key: "$in", Value: sessionIDs}}},
		{Key: "expires_at", Value: bson.D{{Key: "$gte", Value: now}}},
	}, options.Find().SetProjection(bson.D{{Key: "expires_at", Value: 1}}))
	if err != nil {
		return 0, err
	}
	var alive []struct {
		ID        string    `bson:"_id"`
		ExpiresAt time.Time `bson:"expires_at"`
	}
	if err := cur.All(ctx, &alive); err != nil {
		return 0, err
	}
	liveIDs := make([]string, len(alive))
	for i, a := range alive {
		liveIDs[i] = a.ID
		_, err := coll.UpdateMany(ctx,
			append(bson.D{{Key: field, Value: a.ID}}, due...),
			bson.D{{Key: "$set", Value: bson.D{{Key: "check_at", Value: dbTime(a.ExpiresAt)}}}})
		if err != nil {
			return 0, err
		}
	}
	// Every other due document of these sessions is an orphan.
	_, err = coll.DeleteMany(ctx, append(bson.D{
		{Key: field, Value: bson.D{{Key: "$in", Value: sessionIDs}, {Key: "$nin", Value: liveIDs}}},
	}, due...))
	if err != nil {
		return 0, err
	}
	return len(docs), nil
}
