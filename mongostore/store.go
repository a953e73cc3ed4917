package mongostore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Compile-time checks: the store serves both halves of the store contract.
var (
	_ ginjwt.UserStore[User]      = (*Store[User])(nil)
	_ ginjwt.SessionStore         = (*Store[User])(nil)
	_ ginjwt.UserCreator[User]    = (*Store[User])(nil)
	_ ginjwt.UserActivator        = (*Store[User])(nil)
	_ ginjwt.PasswordHashSwapper  = (*Store[User])(nil)
	_ ginjwt.UsernameFinder[User] = (*Store[User])(nil)
	_ ginjwt.MailTokenStore       = (*Store[User])(nil)
	_ ginjwt.EmailVerifier        = (*Store[User])(nil)
	_ ginjwt.VerifiedUser         = User{}
)

// Store keeps users of type U and their sessions in one MongoDB database.
// It implements [ginjwt.UserStore] and [ginjwt.SessionStore], is safe for
// concurrent use, and holds across processes that share the database.
// Create it with [New] and call [Store.EnsureIndexes] at start-up.
type Store[U ginjwt.User] struct {
	timeout   time.Duration
	users     *mongo.Collection
	sessions  *mongo.Collection
	tokens    *mongo.Collection // live and spent refresh-token hashes
	spent     *mongo.Collection // hashes already rotated, by _id
	revoked   *mongo.Collection // revocation markers, by session _id
	mail      *mongo.Collection // mail-token hashes, by _id
	spentMail *mongo.Collection // mail-token hashes already consumed, by _id
	ttl       atomic.Bool
}

// New returns a store on db. U is the user document type: mongostore.User
// itself, or an application struct that embeds mongostore.User by value
// with the `bson:",inline"` tag. New refuses any other type with an error
// that says why, so that a mistake shows at start-up rather than as users
// whose fields land in a sub-document.
func New[U ginjwt.User](db *mongo.Database, opts ...Option) (*Store[U], error) {
	if db == nil {
		return nil, errors.New("mongostore: New: nil database")
	}
	cfg := config{timeout: DefaultTimeout, collections: DefaultCollections}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("mongostore: New: timeout must be positive, got %s", cfg.timeout)
	}
	if err := checkCollections(cfg.collections); err != nil {
		return nil, err
	}
	if err := checkUserType[U](); err != nil {
		return nil, err
	}
	c := cfg.collections
	return &Store[U]{
		timeout:   cfg.timeout,
		users:     db.Collection(c.Users),
		sessions:  db.Collection(c.Sessions),
		tokens:    db.Collection(c.RefreshTokens),
		spent:     db.Collection(c.SpentRefreshTokens),
		revoked:   db.Collection(c.RevokedSessions),
		mail:      db.Collection(c.MailTokens),
		spentMail: db.Collection(c.SpentMailTokens),
	}, nil
}

// checkCollections refuses two roles sharing one collection.
func checkCollections(c Collections) error {
	seen := map[string]bool{}
	for _, name := range []string{c.Users, c.Sessions, c.RefreshTokens, c.SpentRefreshTokens, c.RevokedSessions, c.MailTokens, c.SpentMailTokens} {
		if seen[name] {
			return fmt.Errorf("mongostore: New: collection %q named twice", name)
		}
		seen[name] = true
	}
	return nil
}

// checkUserType checks that U embeds User by value and inline, by encoding
// a probe and looking for User's fields at the top level.
func checkUserType[U ginjwt.User]() error {
	typ := reflect.TypeFor[U]()
	var probe U
	base := userOf(&probe)
	if base == nil {
		return fmt.Errorf("mongostore: New: user type %s must embed mongostore.User by value "+
			"(with the `bson:\",inline\"` tag)", typ)
	}
	base.ID = bson.NewObjectID()
	base.EmailNormalized = "probe@example.com"
	raw, err := bson.Marshal(probe)
	if err != nil {
		return fmt.Errorf("mongostore: New: user type %s cannot be encoded: %w", typ, err)
	}
	if _, err := bson.Raw(raw).LookupErr("email_normalized"); err != nil {
		return fmt.Errorf("mongostore: New: user type %s must embed mongostore.User with the "+
			"`bson:\",inline\"` tag, or its fields end up in a sub-document", typ)
	}
	return nil
}

// userOf returns the User inside *u, or nil if U does not embed one by
// value.
func userOf[U any](u *U) *User {
	b, ok := any(u).(baseUser)
	if !ok {
		return nil
	}
	return b.mongostoreUser()
}

// withTimeout gives ctx the store's deadline (or keeps an earlier one).
func (s *Store[U]) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// MustNew is [New] for start-up code: it panics if New returns an error.
func MustNew[U ginjwt.User](db *mongo.Database, opts ...Option) *Store[U] {
	s, err := New[U](db, opts...)
	if err != nil {
		panic(err)
	}
	return s
}
