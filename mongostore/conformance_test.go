package mongostore_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/storetest"
	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/mongostore"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Database[mongostore.User] {
		return &database[mongostore.User]{uri: mongotest.URI(t), name: mongotest.Database(t).Name()}
	})
}

func TestConformanceEmbedded(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Database[Account] {
		return &database[Account]{uri: mongotest.URI(t), name: mongotest.Database(t).Name()}
	})
}

// database is one test database that Open reaches through a client of its
// own, so that Close really disconnects and Open really reconnects.
type database[U ginjwt.User] struct {
	uri, name string
	client    *mongo.Client
}

func (d *database[U]) Open(t *testing.T) (ginjwt.UserStore[U], ginjwt.SessionStore) {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(d.uri))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	d.client = client
	s, err := mongostore.New[U](client.Database(d.name))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return s, s
}

func (d *database[U]) Close(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.client.Disconnect(ctx); err != nil {
		t.Errorf("disconnect: %v", err)
	}
	d.client = nil
}
