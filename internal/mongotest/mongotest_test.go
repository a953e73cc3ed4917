package mongotest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/internal/mongotest"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

func TestDatabaseIsFreshAndDropped(t *testing.T) {
	mongotest.URI(t) // start the server (perhaps build it) before the clock runs
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var name string
	t.Run("use", func(t *testing.T) {
		db := mongotest.Database(t)
		name = db.Name()
		colls, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if len(colls) != 0 {
			t.Fatalf("fresh database has collections %v", colls)
		}
		if _, err := db.Collection("c").InsertOne(ctx, bson.D{{Key: "k", Value: "v"}}); err != nil {
			t.Fatal(err)
		}
		if other := mongotest.Database(t); other.Name() == name {
			t.Fatalf("two databases share the name %s", name)
		}
	})

	// A separate client, dialled through URI, sees the database gone.
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	names, err := client.ListDatabaseNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, name) {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

func TestURIReachesTheSameServer(t *testing.T) {
	db := mongotest.Database(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.Collection("c").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		t.Fatal(err)
	}

	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	var doc struct {
		ID string `bson:"_id"`
	}
	err = client.Database(db.Name()).Collection("c").FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Decode(&doc)
	if err != nil || doc.ID != "x" {
		t.Fatalf("FindOne through URI = %+v, %v; want the inserted document", doc, err)
	}
}
