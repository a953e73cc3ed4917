package gormstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// backend is a database engine the tests run against. fresh creates an
// empty database and returns how to open it; each opened handle is closed
// in t.Cleanup.
type backend struct {
	name  string
	fresh func(t testing.TB) (open func(t testing.TB) *gorm.DB)
}

var backends = []backend{
	{name: "sqlite", fresh: freshSQLite},
	{name: "postgres", fresh: freshPostgres},
}

func freshSQLite(t testing.TB) func(testing.TB) *gorm.DB {
	path := filepath.Join(t.TempDir(), "test.db")
	return func(t testing.TB) *gorm.DB { return openSQLite(t, path, &gorm.Config{}) }
}

func openSQLite(t testing.TB, path string, cfg *gorm.Config) *gorm.DB {
	t.Helper()
	cfg.Logger = logger.Discard
	db, err := gorm.Open(sqlite.Open(SQLiteDSN(path)), cfg)
	if err != nil {
		t.Fatalf("open sqlite %s: %v", path, err)
	}
	t.Cleanup(func() { closeDB(t, db) })
	return db
}

func freshPostgres(t testing.TB) func(testing.TB) *gorm.DB {
	dsn := pgtest.CreateDatabase(t)
	return func(t testing.TB) *gorm.DB { return pgtest.Open(t, dsn) }
}

func closeDB(t testing.TB, db *gorm.DB) {
	sqlDB, err := db.DB()
	if err != nil {
		t.Errorf("closing: %v", err)
		return
	}
	if err := sqlDB.Close(); err != nil {
		t.Errorf("closing: %v", err)
	}
}

// forEachBackend runs f as a subtest on a fresh database of each backend.
func forEachBackend(t *testing.T, f func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			f(t, b.fresh(t)(t))
		})
	}
}

// testTimeout is the store deadline in tests that are not about deadlines:
// generous, since a 50-way race under the race detector on a busy machine
// can take longer than the 3 s default without anything being wrong.
const testTimeout = time.Minute

// migrated returns a store of U over db, its tables created.
func migrated[U ginjwt.User](t testing.TB, db *gorm.DB, opts ...Option) *Store[U] {
	t.Helper()
	s, err := New[U](db, append([]Option{WithTimeout(testTimeout)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// mustCreate creates a user with this email (normalised by lower-casing).
func mustCreate[U ginjwt.User](t testing.TB, s *Store[U], email string) U {
	t.Helper()
	u, err := s.CreateUser(context.Background(), newUser(email))
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}
