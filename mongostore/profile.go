package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ginjwt/ginjwt/ginjwt"
)

var _ ginjwt.ProfileUpdater[User] = (*Store[User])(nil)

// UpdateProfile implements [ginjwt.ProfileUpdater] with one update of the
// fields given (and updated_at), then returns the user as stored. A
// username that normalises to "" unsets username_normalized, so that the
// sparse unique index ignores the user; that index decides a taken
// username, also between racing updates.
func (s *Store[U]) UpdateProfile(ctx context.Context, id string, p ginjwt.ProfileUpdate) (U, error) {
	var zero U
	oid, ok := parseID(id)
	if !ok {
		return zero, ginjwt.ErrUserNotFound
	}
	set := bson.D{{Key: "updated_at", Value: dbTime(time.Now())}}
	var unset bson.D
	for _, f := range []struct {
		key string
		val *string
	}{
		{"username", p.Username}, {"first_name", p.FirstName}, {"last_name", p.LastName},
		{"username_normalized", p.NormalizedUsername},
	} {
		switch {
		case f.val == nil:
		case f.key == "username_normalized" && *f.val == "":
			unset = append(unset, bson.E{Key: f.key, Value: ""})
		default:
			set = append(set, bson.E{Key: f.key, Value: *f.val})
		}
	}
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	tctx, cancel := s.withTimeout(ctx)
	defer cancel()
	res, err := s.users.UpdateOne(tctx, bson.D{{Key: "_id", Value: oid}}, update)
	switch {
	case err != nil && (mongo.IsDuplicateKeyError(err) || s.usernameHeld(ctx, p.NormalizedUsername, oid)):
		return zero, fmt.Errorf("mongostore: update profile: %w", ginjwt.ErrUsernameTaken)
	case err != nil:
		return zero, fmt.Errorf("mongostore: update profile: %w", err)
	case res.MatchedCount == 0:
		return zero, ginjwt.ErrUserNotFound
	}
	return s.FindUserByID(ctx, id)
}

// usernameHeld reports whether another user than id holds the normalised
// username n. FerretDB answers an update that loses a race for a unique
// key with an InternalError rather than a duplicate-key error; the
// look-up tells that apart from an outage (which fails it too).
func (s *Store[U]) usernameHeld(ctx context.Context, n *string, id bson.ObjectID) bool {
	if n == nil || *n == "" {
		return false
	}
	u, err := s.FindUserByUsername(ctx, *n)
	return err == nil && userOf(&u).ID != id
}
