package mongostore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/mongostore"
)

// Documents written before username_normalized existed get it at
// EnsureIndexes, unless usernames clash, which changes nothing.
func TestEnsureIndexesFillsUsernames(t *testing.T) {
	ctx := t.Context()
	db := mongotest.Database(t)
	users := db.Collection("users")
	for i, name := range []string{"Ada", " ADA", "bob", "", ""} {
		_, err := users.InsertOne(ctx, bson.D{
			{Key: "_id", Value: bson.NewObjectID()},
			{Key: "email_normalized", Value: string(rune('a'+i)) + "@example.com"},
			{Key: "username", Value: name}, {Key: "is_active", Value: true},
		})
		require.NoError(t, err)
	}
	s, err := mongostore.New[mongostore.User](db)
	require.NoError(t, err)
	err = s.EnsureIndexes(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"Ada"`)
	assert.Contains(t, err.Error(), `" ADA"`)
	assert.NotContains(t, err.Error(), `"bob"`)
	n, err := users.CountDocuments(ctx, bson.D{{Key: "username_normalized", Value: bson.D{{Key: "$exists", Value: true}}}})
	require.NoError(t, err)
	assert.Zero(t, n, "a refused EnsureIndexes writes nothing")

	_, err = users.UpdateOne(ctx, bson.D{{Key: "username", Value: " ADA"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "username", Value: "ada2"}}}})
	require.NoError(t, err)
	require.NoError(t, s.EnsureIndexes(ctx))
	u, err := s.FindUserByUsername(ctx, "ada")
	require.NoError(t, err)
	assert.Equal(t, "Ada", u.Username)
	_, err = s.FindUserByUsername(ctx, "ada2")
	require.NoError(t, err)
	n, err = users.CountDocuments(ctx, bson.D{{Key: "username_normalized", Value: bson.D{{Key: "$exists", Value: true}}}})
	require.NoError(t, err)
	assert.EqualValues(t, 3, n, "users without a username get no field")
	_, err = s.CreateUser(ctx, ginjwt.NewUser{Email: "n@example.com", NormalizedEmail: "n@example.com", Username: "Bob", NormalizedUsername: "bob"})
	assert.ErrorIs(t, err, ginjwt.ErrUsernameTaken)
	require.NoError(t, s.EnsureIndexes(ctx), "idempotent")
}

// A user without a username has no username_normalized field at all.
func TestNoUsernameIsAbsent(t *testing.T) {
	s, db := newStoreDB[mongostore.User](t)
	nu := newUser("x@example.com")
	nu.Username = ""
	u, err := s.CreateUser(t.Context(), nu)
	require.NoError(t, err)
	var doc bson.M
	require.NoError(t, db.Collection("users").FindOne(t.Context(), bson.D{{Key: "_id", Value: u.ID}}).Decode(&doc))
	assert.NotContains(t, doc, "username_normalized")
}
