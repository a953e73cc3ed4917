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

// mailTokenDoc is a document of the mail_tokens collection: the hash of a
// token sent by mail, never the token.
type mailTokenDoc struct {
	Hash        string    `bson:"_id"`
	Kind        string    `bson:"kind"`
	UserID      string    `bson:"user_id"`
	CredVersion int64     `bson:"credentials_version"`
	CreatedAt   time.Time `bson:"created_at"`
	ExpiresAt   time.Time `bson:"expires_at"`
}

// spentMailDoc is a document of the spent_mail_tokens collection. As with
// refresh tokens (see rotate.go), inserting it is what decides the one
// winner of concurrent consumes: an insert with a given _id succeeds at
// most once on MongoDB and on FerretDB, whose conditional updates are not
// atomic.
type spentMailDoc struct {
	Hash      string    `bson:"_id"`
	SpentAt   time.Time `bson:"spent_at"`
	ExpiresAt time.Time `bson:"expires_at"` // the token's, for the purge
}

// CreateMailToken implements [ginjwt.MailTokenStore].
func (s *Store[U]) CreateMailToken(ctx context.Context, t ginjwt.MailToken) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	_, err := s.mail.InsertOne(ctx, mailTokenDoc{
		Hash: t.Hash, Kind: string(t.Kind), UserID: t.UserID, CredVersion: t.CredentialsVersion,
		CreatedAt: dbTime(t.CreatedAt), ExpiresAt: dbTime(t.ExpiresAt),
	})
	if err != nil {
		return fmt.Errorf("mongostore: create mail token: %w", err)
	}
	return nil
}

// ConsumeMailToken implements [ginjwt.MailTokenStore]: it reads the token,
// then spends it by inserting its hash into spent_mail_tokens, and only
// the caller whose insert succeeds gets it. An insert whose reply is lost
// may leave the token spent without a winner; the user then asks for a
// new mail.
func (s *Store[U]) ConsumeMailToken(ctx context.Context, kind ginjwt.MailTokenKind, hash string, now time.Time) (ginjwt.MailToken, error) {
	if !validKey(hash) {
		return ginjwt.MailToken{}, ginjwt.ErrMailTokenNotFound
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	now = dbTime(now)
	var d mailTokenDoc
	err := s.mail.FindOne(ctx, bson.D{{Key: "_id", Value: hash}, {Key: "kind", Value: string(kind)}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return ginjwt.MailToken{}, ginjwt.ErrMailTokenNotFound
	case err != nil:
		return ginjwt.MailToken{}, fmt.Errorf("mongostore: consume mail token: %w", err)
	case !now.Before(d.ExpiresAt):
		return ginjwt.MailToken{}, ginjwt.ErrMailTokenNotFound
	}
	_, err = s.spentMail.InsertOne(ctx, spentMailDoc{Hash: hash, SpentAt: now, ExpiresAt: d.ExpiresAt})
	switch {
	case mongo.IsDuplicateKeyError(err):
		return ginjwt.MailToken{}, ginjwt.ErrMailTokenNotFound
	case err != nil:
		return ginjwt.MailToken{}, fmt.Errorf("mongostore: consume mail token: %w", err)
	}
	return ginjwt.MailToken{
		Hash: d.Hash, Kind: ginjwt.MailTokenKind(d.Kind), UserID: d.UserID,
		CredentialsVersion: d.CredVersion,
		CreatedAt:          d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(),
	}, nil
}

// LatestMailToken implements [ginjwt.MailTokenStore].
func (s *Store[U]) LatestMailToken(ctx context.Context, userID string, kind ginjwt.MailTokenKind) (time.Time, error) {
	if !validKey(userID) {
		return time.Time{}, nil
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	var d mailTokenDoc
	err := s.mail.FindOne(ctx,
		bson.D{{Key: "user_id", Value: userID}, {Key: "kind", Value: string(kind)}},
		options.FindOne().SetSort(bson.D{{Key: "created_at", Value: -1}}),
	).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("mongostore: latest mail token: %w", err)
	}
	return d.CreatedAt.UTC(), nil
}

// PurgeMailTokens implements [ginjwt.MailTokenStore].
func (s *Store[U]) PurgeMailTokens(ctx context.Context, now time.Time) (int, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	expired := bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: dbTime(now)}}}}
	res, err := s.mail.DeleteMany(ctx, expired)
	if err != nil {
		return 0, fmt.Errorf("mongostore: purge mail tokens: %w", err)
	}
	if _, err := s.spentMail.DeleteMany(ctx, expired); err != nil {
		return int(res.DeletedCount), fmt.Errorf("mongostore: purge spent mail tokens: %w", err)
	}
	return int(res.DeletedCount), nil
}

// SetEmailVerified implements [ginjwt.EmailVerifier].
func (s *Store[U]) SetEmailVerified(ctx context.Context, id string, verified bool) error {
	return s.updateUser(ctx, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "is_verified", Value: verified},
		{Key: "updated_at", Value: dbTime(time.Now())},
	}}})
}

// MarkAllVerified marks every user's email verified and returns how many
// users it changed: a one-off migration step for applications whose users
// signed up before verification existed and whose addresses they trust
// (documents without is_verified read as unverified, and a sign-in policy
// that requires a verified email would lock them out). It runs under ctx
// alone, without the store's per-call deadline.
func (s *Store[U]) MarkAllVerified(ctx context.Context) (int, error) {
	res, err := s.users.UpdateMany(ctx,
		bson.D{{Key: "is_verified", Value: bson.D{{Key: "$ne", Value: true}}}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "is_verified", Value: true},
			{Key: "updated_at", Value: dbTime(time.Now())},
		}}})
	if err != nil {
		return 0, fmt.Errorf("mongostore: MarkAllVerified: %w", err)
	}
	return int(res.ModifiedCount), nil
}
