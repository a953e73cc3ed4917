package gormstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func TestSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := migrated[User](t, db)
		u := mustCreate(t, s, "list@x.io")
		other := mustCreate(t, s, "other@x.io")
		add := func(id, user string, created time.Time, ttl time.Duration) {
			t.Helper()
			sess := ginjwt.Session{ID: id, UserID: user, CreatedAt: created, LastUsedAt: created, ExpiresAt: created.Add(ttl)}
			if err := s.CreateSession(ctx, sess, id+"-h0"); err != nil {
				t.Fatal(err)
			}
		}
		add("old", u.ID, t0, time.Hour)
		add("new", u.ID, t0.Add(time.Minute), time.Hour)
		add("expired", u.ID, t0.Add(2*time.Minute), time.Second)
		add("theirs", other.ID, t0, time.Hour)
		now := t0.Add(10 * time.Minute)

		list, err := s.ListSessions(ctx, u.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if ids := sessionIDs(list); len(ids) != 2 || ids[0] != "new" || ids[1] != "old" {
			t.Errorf("ListSessions = %v, want [new old]", ids)
		}
		got, err := s.Session(ctx, "expired")
		if err != nil || got.Live(now) || got.CreatedAt.Location() != time.UTC {
			t.Errorf("Session(expired) = %+v, %v", got, err)
		}

		if err := s.RevokeSession(ctx, "old", now); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeSession(ctx, "old", now); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
		if err := s.RevokeSession(ctx, "expired", now); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("revoking an expired session: %v", err)
		}
		got, err = s.Session(ctx, "old")
		if err != nil || !got.RevokedAt.Equal(now) || got.Live(now) {
			t.Errorf("revoked session = %+v, %v", got, err)
		}
		if n, err := s.RevokeUserSessions(ctx, u.ID, now); err != nil || n != 1 {
			t.Errorf("RevokeUserSessions = %d, %v, want 1 (only \"new\" was live)", n, err)
		}
		if list, _ := s.ListSessions(ctx, other.ID, now); len(list) != 1 {
			t.Errorf("the other user's sessions: %v", list)
		}

		// At t0+60m30s, "old", "expired" and "theirs" have expired (revoked
		// or not); "new" lives until t0+61m.
		n, err := s.PurgeExpired(ctx, t0.Add(60*time.Minute+30*time.Second))
		if err != nil || n != 3 {
			t.Errorf("PurgeExpired = %d, %v, want 3", n, err)
		}
		for _, id := range []string{"old", "expired", "theirs"} {
			if _, err := s.Session(ctx, id); !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("Session(%s) after purge: %v", id, err)
			}
		}
		if _, err := s.Session(ctx, "new"); err != nil {
			t.Errorf("Session(new) was purged before it expired: %v", err)
		}
		var tokens []string
		db.Table(DefaultRefreshTokenTable).Order("hash").Pluck("hash", &tokens)
		if len(tokens) != 1 || tokens[0] != "new-h0" {
			t.Errorf("refresh tokens after purge = %v, want [new-h0]", tokens)
		}
	})
}

func sessionIDs(list []ginjwt.Session) []string {
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestCustomTables: two stores with their own session tables share one
// database; index names follow the table names, so they do not clash.
func TestCustomTables(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := migrated[User](t, db, WithSessionTables("a_sessions", "a_tokens"))
		b := migrated[User](t, db, WithSessionTables("b_sessions", "b_tokens"))
		if err := a.Migrate(ctx); err != nil { // again: nothing to do
			t.Fatalf("second Migrate: %v", err)
		}
		for _, table := range []string{"a_sessions", "a_tokens", "b_sessions", "b_tokens"} {
			if !db.Migrator().HasTable(table) {
				t.Errorf("no table %s", table)
			}
		}
		if db.Migrator().HasTable(DefaultSessionTable) {
			t.Errorf("table %s created although renamed", DefaultSessionTable)
		}
		sess := ginjwt.Session{ID: "s", UserID: "u", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := a.CreateSession(ctx, sess, "h0"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.RotateRefreshToken(ctx, "h0", "h1", t0, t0.Add(time.Hour)); err != nil {
			t.Errorf("rotate in a_*: %v", err)
		}
		if _, err := b.Session(ctx, "s"); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("b sees a's session: %v", err)
		}
	})
}

// TestSessionsWithoutUsers: the store serves as a SessionStore for an
// application that keeps its users elsewhere; MigrateSessions creates no
// user table.
func TestSessionsWithoutUsers(t *testing.T) {
	db := freshSQLite(t)(t)
	s, err := New[User](db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MigrateSessions(context.Background()); err != nil {
		t.Fatal(err)
	}
	if db.Migrator().HasTable(&User{}) {
		t.Error("MigrateSessions created the user table")
	}
	sess := ginjwt.Session{ID: "s", UserID: "42", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreateSession(context.Background(), sess, "h0"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateRefreshToken(context.Background(), "h0", "h1", t0, t0.Add(time.Hour)); err != nil {
		t.Error(err)
	}
}
