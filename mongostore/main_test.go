package mongostore_test

import (
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/mongostore"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

// onFerretDB reports whether the tests run against the FerretDB that
// mongotest starts rather than a server named by MONGODB_URI.
func onFerretDB() bool { return os.Getenv(mongotest.EnvURI) == "" }

// newStore returns a store of user type U on a fresh database, indexes
// created.
func newStore[U ginjwt.User](t *testing.T, opts ...mongostore.Option) *mongostore.Store[U] {
	t.Helper()
	s, _ := newStoreDB[U](t, opts...)
	return s
}

// newStoreDB is newStore that also returns the database, for looking at
// the stored documents directly.
func newStoreDB[U ginjwt.User](t *testing.T, opts ...mongostore.Option) (*mongostore.Store[U], *mongo.Database) {
	t.Helper()
	db := mongotest.Database(t)
	s, err := mongostore.New[U](db, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.EnsureIndexes(t.Context()); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return s, db
}

// base is a time in the future, so that a real MongoDB's TTL monitor never
// deletes the "expired" sessions of a test while it runs.
func base() time.Time {
	return time.Now().UTC().Add(48 * time.Hour).Truncate(time.Millisecond)
}

// newUser is a valid NewUser for email.
func newUser(email string) ginjwt.NewUser {
	return ginjwt.NewUser{
		Email:           email,
		NormalizedEmail: email,
		PasswordHash:    "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA",
		Username:        "user",
		FirstName:       "First",
		LastName:        "Last",
	}
}
