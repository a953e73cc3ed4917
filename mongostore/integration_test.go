package mongostore_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/authtest"
	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/mongostore"
)

// TestIntegration runs the shared HTTP scenarios (concurrent refreshes and
// signups, a restart, sign-in throttling) over the ready-made auth routes
// on a fresh database each. Every Open dials a client of its own, so that
// closing really disconnects and the restart really reconnects.
func TestIntegration(t *testing.T) {
	authtest.Run(t, func(t *testing.T) authtest.Backend[mongostore.User] {
		db := mongotest.Database(t) // the shared client's handle, for counting
		uri := mongotest.URI(t)
		return authtest.Backend[mongostore.User]{
			Open: func(t *testing.T) (ginjwt.UserStore[mongostore.User], ginjwt.SessionStore, func()) {
				return openStore(t, uri, db.Name())
			},
			CountUsers: func(t *testing.T) int {
				ctx, cancel := context.WithTimeout(t.Context(), authtest.RequestDeadline)
				defer cancel()
				n, err := db.Collection(mongostore.DefaultCollections.Users).CountDocuments(ctx, bson.D{})
				if err != nil {
					t.Fatalf("counting the users: %v", err)
				}
				return int(n)
			},
		}
	})
}

// openStore connects a new client to the database name at uri and returns
// a store over it, indexes ensured as a server does at start-up, and a
// function that disconnects the client.
func openStore(t *testing.T, uri, name string) (*mongostore.Store[mongostore.User], *mongostore.Store[mongostore.User], func()) {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	disconnect := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := client.Disconnect(ctx); err != nil {
			t.Errorf("disconnect: %v", err)
		}
	}
	s, err := mongostore.New[mongostore.User](client.Database(name), mongostore.WithTimeout(authtest.StoreTimeout))
	if err != nil {
		disconnect()
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), authtest.RequestDeadline)
	defer cancel()
	if err := s.EnsureIndexes(ctx); err != nil {
		disconnect()
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return s, s, disconnect
}
