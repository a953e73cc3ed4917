// Package pgtest gives each test its own empty PostgreSQL database.
//
// It connects to the server named by $GINJWT_TEST_POSTGRES_DSN (default
// [DefaultDSN]), creates a database with a random name, and drops it when
// the test ends, so tests can run in parallel and leave nothing behind.
// When the server is unreachable the test is skipped with a message that
// says how to start it, except under CI=true, where it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// EnvDSN names the environment variable that overrides [DefaultDSN].
const EnvDSN = "GINJWT_TEST_POSTGRES_DSN"

// DefaultDSN is the server the tests use unless $GINJWT_TEST_POSTGRES_DSN
// names another: the machine's PostgreSQL with trust authentication. Its
// database only serves to run CREATE DATABASE and DROP DATABASE.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// connectTimeout bounds each connection attempt, so that a missing server
// skips the tests at once instead of hanging them.
const connectTimeout = "3"

// DB creates a fresh database for the test (see [CreateDatabase]), opens
// it (see [Open]) and returns both the handle and the database's DSN, for
// tests that need a second handle on the same database.
func DB(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	dsn := CreateDatabase(t)
	return Open(t, dsn), dsn
}

// CreateDatabase creates an empty database with a random name and returns
// its DSN. The database is dropped in t.Cleanup, after its remaining
// connections are terminated.
func CreateDatabase(t testing.TB) string {
	t.Helper()
	server := serverDSN()
	admin := connectAdmin(t, server)
	name := randomName()
	err := admin.Exec("CREATE DATABASE " + quoteIdent(name)).Error
	closeDB(admin)
	if err != nil {
		t.Fatalf("pgtest: CREATE DATABASE %s on %s: %v", name, redact(server), err)
	}
	t.Cleanup(func() { dropDatabase(t, server, name) })
	return withDatabase(server, name)
}

// CreateSchema creates an empty schema with a random name in the database
// of dsn (made by [CreateDatabase]) and returns a DSN whose connections
// use it (search_path). It costs a fraction of a new database, for suites
// that want an empty store per subtest. The schema is dropped, with all it
// holds, in t.Cleanup.
func CreateSchema(t testing.TB, dsn string) string {
	t.Helper()
	db := Open(t, dsn)
	name := randomName()
	if err := db.Exec("CREATE SCHEMA " + quoteIdent(name)).Error; err != nil {
		t.Fatalf("pgtest: CREATE SCHEMA %s: %v", name, err)
	}
	closeDB(db)
	t.Cleanup(func() {
		db, err := open(dsn)
		if err == nil {
			err = db.Exec("DROP SCHEMA IF EXISTS " + quoteIdent(name) + " CASCADE").Error
			closeDB(db)
		}
		if err != nil {
			t.Errorf("pgtest: DROP SCHEMA %s: %v", name, err)
		}
	})
	return withParam(dsn, "search_path", name)
}

// MaxOpenConns caps each pool that [Open] returns, so that tests running
// in parallel (50-way races included) stay well below the server's
// max_connections (100 by default), as a production pool would be capped.
const MaxOpenConns = 10

// Open opens dsn with GORM's PostgreSQL driver and GORM's logging off,
// and closes it in t.Cleanup. Each call gives a separate connection pool
// of at most [MaxOpenConns] connections, as a second server instance would
// have.
func Open(t testing.TB, dsn string) *gorm.DB {
	t.Helper()
	db, err := open(dsn)
	if err != nil {
		t.Fatalf("pgtest: open %s: %v", redact(dsn), err)
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(MaxOpenConns)
	}
	t.Cleanup(func() { closeDB(db) })
	return db
}

// unreachable remembers, per server DSN, a failed first connection, so
// that the following tests of the run skip at once instead of waiting for
// the timeout again.
var (
	mu          sync.Mutex
	unreachable = map[string]error{}
)

// connectAdmin connects to the server's own database, or skips (fails
// under CI=true) when the server cannot be reached.
func connectAdmin(t testing.TB, server string) *gorm.DB {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	err := unreachable[server]
	if err == nil {
		db, err2 := open(server)
		if err2 == nil {
			return db
		}
		err = err2
		unreachable[server] = err
	}
	msg := fmt.Sprintf("pgtest: PostgreSQL is unreachable at %s: %v\n"+
		"  Start it, e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`\n"+
		"  or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15`,\n"+
		"  or point %s at a server where the user may CREATE DATABASE.",
		redact(server), err, EnvDSN)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "\n  CI=true: failing instead of skipping.")
	}
	t.Skip("SKIPPING POSTGRESQL TESTS: " + msg)
	return nil
}

func open(dsn string) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return db, nil
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

// dropDatabase drops the test's database, terminating the connections
// that tests left open (or that a test of outages holds on purpose).
func dropDatabase(t testing.TB, server, name string) {
	admin, err := open(server)
	if err != nil {
		t.Errorf("pgtest: cannot drop database %s: %v", name, err)
		return
	}
	defer closeDB(admin)
	err = admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", name).Error
	if err == nil {
		err = admin.Exec("DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)").Error
	}
	if err != nil {
		t.Errorf("pgtest: DROP DATABASE %s: %v", name, err)
	}
}

// randomName returns a fresh lower-case identifier.
func randomName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "ginjwt_test_" + hex.EncodeToString(b[:])
}

// serverDSN returns the server's DSN with a short connect_timeout.
func serverDSN() string {
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		dsn = DefaultDSN
	}
	if strings.Contains(dsn, "connect_timeout=") {
		return dsn
	}
	return withParam(dsn, "connect_timeout", connectTimeout)
}

// withParam returns dsn with the connection parameter key set to value.
func withParam(dsn, key, value string) string {
	if u, ok := parseURL(dsn); ok {
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

// withDatabase returns dsn with its database replaced by name. It accepts
// both URL and keyword/value DSNs; in the latter the last keyword wins.
func withDatabase(dsn, name string) string {
	if u, ok := parseURL(dsn); ok {
		u.Path = "/" + name
		u.RawPath = ""
		return u.String()
	}
	return dsn + " dbname=" + name
}

func parseURL(dsn string) (*url.URL, bool) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, false
	}
	u, err := url.Parse(dsn)
	return u, err == nil
}

// redact hides a password in a URL DSN, for messages.
func redact(dsn string) string {
	if u, ok := parseURL(dsn); ok {
		return u.Redacted()
	}
	if strings.Contains(dsn, "password=") {
		return "(keyword/value DSN with a password)"
	}
	return dsn
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
