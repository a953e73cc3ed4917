package mongostore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ginjwt/ginjwt/mongostore"
)

// TestMarkAllVerified: a document from before verification has no
// is_verified, reads as unverified, and MarkAllVerified marks it.
func TestMarkAllVerified(t *testing.T) {
	s, db := newStoreDB[mongostore.User](t)
	ctx := t.Context()
	oid := bson.NewObjectID()
	_, err := db.Collection("users").InsertOne(ctx, bson.D{
		{Key: "_id", Value: oid}, {Key: "email", Value: "old@example.com"},
		{Key: "email_normalized", Value: "old@example.com"}, {Key: "is_active", Value: true},
	})
	require.NoError(t, err)
	fresh, err := s.CreateUser(ctx, newUser("new@example.com"))
	require.NoError(t, err)
	require.NoError(t, s.SetEmailVerified(ctx, fresh.Subject(), true))

	u, err := s.FindUserByID(ctx, oid.Hex())
	require.NoError(t, err)
	assert.False(t, u.IsVerified(), "a document without is_verified is unverified")

	n, err := s.MarkAllVerified(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "MarkAllVerified changes only the unverified users")
	u, err = s.FindUserByID(ctx, oid.Hex())
	require.NoError(t, err)
	assert.True(t, u.IsVerified())
}
