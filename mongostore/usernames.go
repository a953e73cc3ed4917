package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/internal/usernames"
)

// usernameIndex keeps normalised usernames unique. It is sparse: a user
// without a username has no username_normalized field, and is not in the
// index, so any number of them fit. (MongoDB would otherwise index a
// missing field as null, once; FerretDB has no partial indexes.)
var usernameIndex = mongo.IndexModel{
	Keys:    bson.D{{Key: "username_normalized", Value: 1}},
	Options: options.Index().SetName("username_normalized_unique").SetUnique(true).SetSparse(true),
}

// fillUsernames gives every user that has a username but no
// username_normalized (every user written before the field existed) its
// normalised username, before the unique index is built. If two usernames
// normalise alike it writes nothing and returns an error naming them.
func (s *Store[U]) fillUsernames(ctx context.Context) error {
	cur, err := s.users.Find(ctx, bson.D{{Key: "username", Value: bson.D{{Key: "$ne", Value: ""}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "username", Value: 1}, {Key: "username_normalized", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongostore: read usernames: %w", err)
	}
	var docs []struct {
		ID         bson.ObjectID `bson:"_id"`
		Username   string        `bson:"username"`
		Normalized *string       `bson:"username_normalized"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return fmt.Errorf("mongostore: read usernames: %w", err)
	}
	rows := make([]usernames.Row, len(docs))
	ids := make(map[string]bson.ObjectID, len(docs))
	for i, d := range docs {
		rows[i] = usernames.Row{ID: d.ID.Hex(), Username: d.Username, Normalized: d.Normalized}
		ids[d.ID.Hex()] = d.ID
	}
	pending, err := usernames.Plan(rows)
	if err != nil {
		return fmt.Errorf("mongostore: EnsureIndexes: %w", err)
	}
	for id, n := range pending {
		_, err := s.users.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: ids[id]}, {Key: "username_normalized", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "username_normalized", Value: n}}}})
		if err != nil {
			return fmt.Errorf("mongostore: fill username of %s: %w", id, err)
		}
	}
	return nil
}
