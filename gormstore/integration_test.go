package gormstore_test

// HTTP-level tests of the ready-made auth routes (ginjwt.Mount) over the
// GORM store on real databases: a SQLite file and the local PostgreSQL.
// The scenarios every backend runs live in internal/authtest; this file
// describes the two databases to it. The PostgreSQL-only tests of several
// instances and of outages sit beside it and use the same harness.

import (
	"context"
	"path/filepath"
	"testing"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/gormstore"
	"github.com/ginjwt/ginjwt/internal/authtest"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// server is one running instance of an application over a GORM store.
type server = authtest.Server[gormstore.User]

// TestIntegration runs the shared HTTP scenarios (concurrent refreshes and
// signups, a restart, sign-in throttling) on a fresh SQLite file and a
// fresh PostgreSQL database each.
func TestIntegration(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		authtest.Run(t, func(t *testing.T) authtest.Backend[gormstore.User] {
			return gormBackend(freshSQLiteFile(t))
		})
	})
	t.Run("postgres", func(t *testing.T) {
		authtest.Run(t, func(t *testing.T) authtest.Backend[gormstore.User] {
			dsn := pgtest.CreateDatabase(t)
			return gormBackend(func(t *testing.T) *gorm.DB { return pgtest.Open(t, dsn) })
		})
	})
}

// gormBackend describes to the harness the database that open reaches:
// each Open is a new connection pool and a migrated store over it.
func gormBackend(open func(t *testing.T) *gorm.DB) authtest.Backend[gormstore.User] {
	var db *gorm.DB // the pool of the last Open
	return authtest.Backend[gormstore.User]{
		Open: func(t *testing.T) (ginjwt.UserStore[gormstore.User], ginjwt.SessionStore, func()) {
			db = open(t)
			s := migratedStore(t, db, gormstore.WithTimeout(authtest.StoreTimeout))
			pool := db
			return s, s, func() { closeGorm(t, pool) }
		},
		CountUsers: func(t *testing.T) int {
			var rows int64
			if err := db.Model(&gormstore.User{}).Count(&rows).Error; err != nil {
				t.Fatal(err)
			}
			return int(rows)
		},
	}
}

// freshSQLiteFile returns how to open a new SQLite file in t.TempDir();
// every handle it opens is closed in t.Cleanup (closing one twice is
// harmless, so a test may close it earlier).
func freshSQLiteFile(t *testing.T) func(*testing.T) *gorm.DB {
	path := filepath.Join(t.TempDir(), "auth.db")
	return func(t *testing.T) *gorm.DB {
		t.Helper()
		db, err := gorm.Open(sqlite.Open(gormstore.SQLiteDSN(path)), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		t.Cleanup(func() { closeGorm(t, db) })
		return db
	}
}

func closeGorm(t *testing.T, db *gorm.DB) {
	t.Helper()
	sqlDB, err := db.DB()
	if err == nil {
		err = sqlDB.Close()
	}
	if err != nil {
		t.Errorf("closing the database: %v", err)
	}
}

// migratedStore returns a store over db with its tables created, as a
// server does at start-up.
func migratedStore(t *testing.T, db *gorm.DB, opts ...gormstore.Option) *gormstore.Store[gormstore.User] {
	t.Helper()
	s, err := gormstore.New[gormstore.User](db, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), authtest.RequestDeadline)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}
