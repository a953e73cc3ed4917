package gormstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

var t0 = time.Date(2030, 3, 4, 5, 6, 7, 890123000, time.UTC)

// startSession creates a user and a session whose first refresh token
// hash is "h0", created at t0 and live for an hour.
func startSession(t *testing.T, s *Store[User], id string) ginjwt.Session {
	t.Helper()
	u := mustCreate(t, s, id+"@x.io")
	sess := ginjwt.Session{ID: id, UserID: u.ID, CreatedAt: t0, LastUsedAt: t0,
		ExpiresAt: t0.Add(time.Hour), UserAgent: "curl/8", IP: "192.0.2.1"}
	if err := s.CreateSession(context.Background(), sess, id+"-h0"); err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestRotate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := migrated[User](t, db)
		sess := startSession(t, s, "s1")
		at, exp := t0.Add(time.Minute), t0.Add(2*time.Hour)

		got, err := s.RotateRefreshToken(ctx, "s1-h0", "s1-h1", at, exp)
		if err != nil {
			t.Fatal(err)
		}
		want := sess
		want.LastUsedAt, want.ExpiresAt = at, exp
		if got != want {
			t.Errorf("rotated session = %+v\nwant %+v", got, want)
		}

		// The spent token is a reuse that changes nothing.
		_, err = s.RotateRefreshToken(ctx, "s1-h0", "s1-hX", at.Add(time.Second), exp.Add(time.Hour))
		var reuse *ginjwt.ReuseError
		if !errors.As(err, &reuse) || !errors.Is(err, ginjwt.ErrRefreshTokenReused) {
			t.Fatalf("reuse: %v", err)
		}
		if !reuse.SpentAt.Equal(at) || reuse.SpentAt.Location() != time.UTC || reuse.Session != want {
			t.Errorf("ReuseError = %+v, want spent at %v, session %+v", reuse, at, want)
		}
		if _, err := s.RotateRefreshToken(ctx, "s1-hX", "s1-hY", at, exp); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("the reuse stored its new token: %v", err)
		}

		// A sibling of the live token rotates too.
		if err := s.AddRefreshToken(ctx, "s1", "s1-sib", at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RotateRefreshToken(ctx, "s1-sib", "s1-h2", at, exp); err != nil {
			t.Errorf("rotating a sibling: %v", err)
		}

		// After expiry nothing rotates and nothing is a reuse.
		late := exp.Add(time.Second)
		for _, h := range []string{"s1-h1", "s1-h0"} {
			if _, err := s.RotateRefreshToken(ctx, h, "s1-h9", late, late.Add(time.Hour)); !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("rotating %s after expiry: %v", h, err)
			}
		}
		if err := s.AddRefreshToken(ctx, "s1", "s1-late", late); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("AddRefreshToken after expiry: %v", err)
		}

		// Revoked: same.
		startSession(t, s, "s2")
		if err := s.RevokeSession(ctx, "s2", t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RotateRefreshToken(ctx, "s2-h0", "s2-h1", t0.Add(time.Minute), exp); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("rotating in a revoked session: %v", err)
		}
		if err := s.AddRefreshToken(ctx, "s2", "s2-sib", t0.Add(time.Minute)); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("AddRefreshToken to a revoked session: %v", err)
		}
	})
}

// TestRotationRace: fifty concurrent refreshes of one token have exactly
// one winner; every other one is a reuse, never a busy or locked error.
func TestRotationRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		s := migrated[User](t, db)
		startSession(t, s, "race")
		const n = 50
		type result struct {
			sess ginjwt.Session
			err  error
		}
		results := make([]result, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				at := t0.Add(time.Duration(i+1) * time.Second)
				sess, err := s.RotateRefreshToken(context.Background(), "race-h0", fmt.Sprintf("race-new-%d", i), at, at.Add(time.Hour))
				results[i] = result{sess, err}
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, r := range results {
			var reuse *ginjwt.ReuseError
			switch {
			case r.err == nil:
				if winner >= 0 {
					t.Fatalf("rotations %d and %d both won", winner, i)
				}
				winner = i
			case !errors.As(r.err, &reuse):
				t.Errorf("rotation %d: %v (want a winner or a *ReuseError)", i, r.err)
			}
		}
		if winner < 0 {
			t.Fatal("no rotation won")
		}
		spent := t0.Add(time.Duration(winner+1) * time.Second)
		for i, r := range results {
			var reuse *ginjwt.ReuseError
			if errors.As(r.err, &reuse) && !reuse.SpentAt.Equal(spent) {
				t.Errorf("rotation %d: spent at %v, but the winner spent it at %v", i, reuse.SpentAt, spent)
			}
		}
		// Only the winner's token lives on.
		ctx := context.Background()
		for i := range n {
			_, err := s.RotateRefreshToken(ctx, fmt.Sprintf("race-new-%d", i), fmt.Sprintf("race-next-%d", i), spent, spent.Add(time.Hour))
			if i == winner && err != nil {
				t.Errorf("the winner's token: %v", err)
			}
			if i != winner && !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("loser %d's token: %v, want ErrSessionNotFound", i, err)
			}
		}
	})
}

// TestRotationRecheck shows why one conditional UPDATE is enough on
// PostgreSQL under READ COMMITTED: a rotation that finds the row locked by
// another transaction that spends the same token waits, then re-checks its
// WHERE clause against the committed row. It loses (a reuse) if the other
// transaction commits, and wins if it rolls back.
func TestRotationRecheck(t *testing.T) {
	for _, commit := range []bool{true, false} {
		name := map[bool]string{true: "other commits", false: "other rolls back"}[commit]
		t.Run(name, func(t *testing.T) {
			db, dsn := pgtest.DB(t)
			s := migrated[User](t, db)
			startSession(t, s, "lock")
			other := pgtest.Open(t, dsn)
			spentAt := t0.Add(time.Second)
			tx := other.Begin()
			res := tx.Exec("UPDATE refresh_tokens SET spent_at = ? WHERE hash = ? AND spent_at IS NULL", spentAt, "lock-h0")
			if res.Error != nil || res.RowsAffected != 1 {
				t.Fatalf("spending in the other transaction: %v, %d rows", res.Error, res.RowsAffected)
			}
			done := make(chan error, 1)
			go func() {
				_, err := s.RotateRefreshToken(context.Background(), "lock-h0", "lock-h1", t0.Add(time.Minute), t0.Add(time.Hour))
				done <- err
			}()
			waitForLockWait(t, other)
			if commit {
				tx.Commit()
			} else {
				tx.Rollback()
			}
			if tx.Error != nil {
				t.Fatal(tx.Error)
			}
			err := <-done
			var reuse *ginjwt.ReuseError
			switch {
			case commit && (!errors.As(err, &reuse) || !reuse.SpentAt.Equal(spentAt)):
				t.Errorf("after the other committed: %v, want a reuse spent at %v", err, spentAt)
			case !commit && err != nil:
				t.Errorf("after the other rolled back: %v, want a win", err)
			}
		})
	}
}

// waitForLockWait returns once a backend of the database waits for a lock.
func waitForLockWait(t *testing.T, db *gorm.DB) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		var n int64
		err := db.Raw("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n).Error
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the rotation never waited for the row lock")
}
