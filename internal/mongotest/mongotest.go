package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EnvURI is the environment variable that points the tests at an existing
// server instead of a FerretDB subprocess.
const EnvURI = "MONGODB_URI"

// cleanupTimeout bounds dropping a test database.
const cleanupTimeout = 30 * time.Second

// The process-wide server and client, set up on first use.
var (
	setupOnce sync.Once
	setupErr  error
	serverURI string
	server    *ferret       // nil when MONGODB_URI is set
	client    *mongo.Client // shared by every Database
)

func setup() error {
	setupOnce.Do(func() {
		setupErr = doSetup()
	})
	return setupErr
}

func doSetup() error {
	serverURI = os.Getenv(EnvURI)
	if serverURI == "" {
		f, err := startFerret()
		if err != nil {
			return err
		}
		server, serverURI = f, f.uri
	}
	c, err := mongo.Connect(options.Client().ApplyURI(serverURI))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", serverURI, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Ping(ctx, nil); err != nil {
		c.Disconnect(context.Background())
		return fmt.Errorf("ping %s: %w", serverURI, err)
	}
	client = c
	return nil
}

// URI returns the connection string of the test server, starting FerretDB
// if MONGODB_URI is not set. It fails the test if the server cannot be
// built or started.
func URI(t testing.TB) string {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	return serverURI
}

// Database returns a new, empty database with a random name on the test
// server, and drops it when the test and its subtests have finished. All
// databases of a test process share one client; a test that needs its own
// connection dials [URI] and opens the database by the returned name.
func Database(t testing.TB) *mongo.Database {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	db := client.Database(newName())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("mongotest: drop database %s: %v", db.Name(), err)
		}
	})
	return db
}

// newName returns a random database name, valid on MongoDB and FerretDB.
func newName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "ginjwt_test_" + hex.EncodeToString(b)
}

// Main runs the tests of a package and then stops the test server, if one
// was started, before exiting with the tests' result. Call it from
// TestMain:
//
//	func TestMain(m *testing.M) { mongotest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	stop()
	os.Exit(code)
}

// stop disconnects the shared client and stops FerretDB.
func stop() {
	if client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		client.Disconnect(ctx)
		cancel()
	}
	if server != nil {
		server.stop()
	}
}
