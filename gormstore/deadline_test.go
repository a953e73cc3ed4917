package gormstore

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// TestDeadline: with the database blocked by another connection's
// transaction, store calls give up at the store's deadline with an error
// wrapping context.DeadlineExceeded, and work again once it ends.
func TestDeadline(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the store's database and a blocker on another
		// connection: a transaction holding the locks the calls need.
		setup func(t *testing.T) (db, blocker *gorm.DB)
	}{
		{"sqlite", func(t *testing.T) (*gorm.DB, *gorm.DB) {
			path := filepath.Join(t.TempDir(), "t.db")
			db := openSQLite(t, path, &gorm.Config{})
			migrated[User](t, db)
			// _txlock=immediate: BEGIN takes the database's write lock.
			return db, openSQLite(t, path, &gorm.Config{}).Begin()
		}},
		{"postgres", func(t *testing.T) (*gorm.DB, *gorm.DB) {
			db, dsn := pgtest.DB(t)
			migrated[User](t, db)
			blocker := pgtest.Open(t, dsn).Begin()
			err := blocker.Exec("LOCK TABLE users, sessions, refresh_tokens IN ACCESS EXCLUSIVE MODE").Error
			if err != nil {
				t.Fatal(err)
			}
			return db, blocker
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, blocker := tt.setup(t)
			if blocker.Error != nil {
				t.Fatal(blocker.Error)
			}
			s, err := New[User](db, WithTimeout(100*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			calls := map[string]func() error{
				"CreateUser": func() error { _, err := s.CreateUser(ctx, newUser("late@x.io")); return err },
				"RotateRefreshToken": func() error {
					_, err := s.RotateRefreshToken(ctx, "h0", "h1", t0, t0.Add(time.Hour))
					return err
				},
				"CreateSession": func() error {
					return s.CreateSession(ctx, ginjwt.Session{ID: "s", UserID: "u", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}, "h0")
				},
			}
			if tt.name == "postgres" { // SQLite readers do not wait for a writer (WAL)
				calls["FindUserByID"] = func() error { _, err := s.FindUserByID(ctx, "someone"); return err }
			}
			for name, call := range calls {
				err := call()
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s on a blocked database: %v, want context.DeadlineExceeded", name, err)
				}
				// SQLite's busy handler ignores the context: without the
				// store's own deadline the call would end 5 s later with
				// "database is locked".
				if err != nil && strings.Contains(err.Error(), "locked") {
					t.Errorf("%s waited for SQLite's busy timeout: %v", name, err)
				}
			}
			if err := blocker.Rollback().Error; err != nil {
				t.Fatal(err)
			}
			s, err = New[User](db, WithTimeout(testTimeout))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateUser(ctx, newUser("after@x.io")); err != nil {
				t.Errorf("CreateUser once unblocked: %v", err)
			}
		})
	}
}

// TestCallerDeadline: the caller's own, earlier deadline wins too.
func TestCallerDeadline(t *testing.T) {
	s := migrated[User](t, freshSQLite(t)(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.FindUserByID(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("FindUserByID with a cancelled context: %v", err)
	}
}
