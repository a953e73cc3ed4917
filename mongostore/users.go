package mongostore

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Every query value below is a Go string (or an ObjectID parsed from one)
// placed as the value of a bson.D element. A value is encoded as a BSON
// string, never as a document, so input such as `{"$ne": null}` is matched
// literally and cannot turn into a query operator.

// FindUserByID returns the user whose Subject is id, or
// ginjwt.ErrUserNotFound. An id that is not the lower-case hex form of an
// ObjectID is not found.
func (s *Store[U]) FindUserByID(ctx context.Context, id string) (U, error) {
	var zero U
	oid, ok := parseID(id)
	if !ok {
		return zero, ginjwt.ErrUserNotFound
	}
	return s.findUser(ctx, bson.D{{Key: "_id", Value: oid}})
}

// FindUserByEmail returns the user whose normalised email equals
// normalizedEmail, or ginjwt.ErrUserNotFound.
func (s *Store[U]) FindUserByEmail(ctx context.Context, normalizedEmail string) (U, error) {
	if !validKey(normalizedEmail) {
		var zero U
		return zero, ginjwt.ErrUserNotFound
	}
	return s.findUser(ctx, bson.D{{Key: "email_normalized", Value: normalizedEmail}})
}

// FindUserByUsername implements [ginjwt.UsernameFinder]: the user whose
// normalised username equals normalizedUsername, or
// ginjwt.ErrUserNotFound.
func (s *Store[U]) FindUserByUsername(ctx context.Context, normalizedUsername string) (U, error) {
	if normalizedUsername == "" || !validKey(normalizedUsername) {
		var zero U
		return zero, ginjwt.ErrUserNotFound
	}
	return s.findUser(ctx, bson.D{{Key: "username_normalized", Value: normalizedUsername}})
}

// whichTaken tells, after a duplicate key on u's insert, whether the email
// or the username was taken: FerretDB's error does not name the index. A
// race that frees the email meanwhile can only change the error reported.
func (s *Store[U]) whichTaken(ctx context.Context, u *User) error {
	if u.UsernameNormalized == "" {
		return ginjwt.ErrUserExists
	}
	n, err := s.users.CountDocuments(ctx, bson.D{{Key: "email_normalized", Value: u.EmailNormalized}})
	if err == nil && n == 0 {
		return ginjwt.ErrUsernameTaken
	}
	return ginjwt.ErrUserExists
}

func (s *Store[U]) findUser(ctx context.Context, filter bson.D) (U, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	var u U
	err := s.users.FindOne(ctx, filter).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return u, ginjwt.ErrUserNotFound
	}
	if err != nil {
		return u, fmt.Errorf("mongostore: find user: %w", err)
	}
	return u, nil
}

// CreateUser stores a new, active, non-staff user with a new ObjectID and
// returns it. The application's own fields of U keep their zero values. It
// returns ginjwt.ErrUserExists when the normalised email is taken, also
// when two creations race: the unique index that [Store.EnsureIndexes]
// creates decides, so call that first.
func (s *Store[U]) CreateUser(ctx context.Context, nu ginjwt.NewUser) (U, error) {
	return s.CreateUserWith(ctx, nu, nil)
}

// CreateUserWith implements [ginjwt.UserCreator]: the user of CreateUser,
// completed by init (the application's own fields) before the one insert.
// An error of init is returned as is, and nothing is stored.
func (s *Store[U]) CreateUserWith(ctx context.Context, nu ginjwt.NewUser, init func(*U) error) (U, error) {
	var u U
	if nu.NormalizedEmail == "" {
		return u, fmt.Errorf("mongostore: create user: %w", ginjwt.ErrEmptyEmail)
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	now := dbTime(time.Now())
	base := userOf(&u)
	*base = User{
		ID:                 bson.NewObjectID(),
		Email:              nu.Email,
		EmailNormalized:    nu.NormalizedEmail,
		Username:           nu.Username,
		UsernameNormalized: nu.NormalizedUsername,
		FirstName:          nu.FirstName,
		LastName:           nu.LastName,
		PasswordHash:       nu.PasswordHash,
		Active:             true,
		CreatedAt:          now,
		UpdatedAt:          now,
	}
	if init != nil {
		if err := init(&u); err != nil {
			var zero U
			return zero, err
		}
	}
	if _, err := s.users.InsertOne(ctx, u); err != nil {
		var zero U
		if mongo.IsDuplicateKeyError(err) {
			return zero, s.whichTaken(ctx, base)
		}
		return zero, fmt.Errorf("mongostore: create user: %w", err)
	}
	return u, nil
}

// SetUserActive implements [ginjwt.UserActivator]: it activates or
// deactivates the user, or returns ginjwt.ErrUserNotFound.
func (s *Store[U]) SetUserActive(ctx context.Context, id string, active bool) error {
	return s.updateUser(ctx, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "is_active", Value: active},
		{Key: "updated_at", Value: dbTime(time.Now())},
	}}})
}

// SetPasswordHash replaces the user's password hash, increments its
// credentials version (and moves updated_at) in one update, or returns
// ginjwt.ErrUserNotFound.
func (s *Store[U]) SetPasswordHash(ctx context.Context, id, hash string) error {
	return s.updateUser(ctx, id, bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "password_hash", Value: hash},
			{Key: "updated_at", Value: dbTime(time.Now())},
		}},
		{Key: "$inc", Value: bson.D{{Key: "credentials_version", Value: int64(1)}}},
	})
}

// SwapPasswordHash implements [ginjwt.PasswordHashSwapper] with one
// conditional update. (FerretDB v1 does not re-check an update's filter
// atomically, so there the guarantee is MongoDB's only; see
// docs/stores-mongo.md.)
func (s *Store[U]) SwapPasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	oid, ok := parseID(id)
	if !ok || !utf8.ValidString(oldHash) {
		return false, nil
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	res, err := s.users.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: oid}, {Key: "password_hash", Value: oldHash}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "password_hash", Value: newHash},
			{Key: "updated_at", Value: dbTime(time.Now())},
		}}})
	if err != nil {
		return false, fmt.Errorf("mongostore: swap password hash: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// RecordLogin sets the user's last_login to at, or returns
// ginjwt.ErrUserNotFound.
func (s *Store[U]) RecordLogin(ctx context.Context, id string, at time.Time) error {
	return s.updateUser(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "last_login", Value: dbTime(at)}}}})
}

func (s *Store[U]) updateUser(ctx context.Context, id string, update bson.D) error {
	oid, ok := parseID(id)
	if !ok {
		return ginjwt.ErrUserNotFound
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	res, err := s.users.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: oid}},
		update)
	if err != nil {
		return fmt.Errorf("mongostore: update user: %w", err)
	}
	if res.MatchedCount == 0 {
		return ginjwt.ErrUserNotFound
	}
	return nil
}

// parseID parses a user id: exactly the 24 lower-case hex digits that
// Subject returns.
func parseID(id string) (bson.ObjectID, bool) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil || oid.Hex() != id {
		return bson.ObjectID{}, false
	}
	return oid, true
}
