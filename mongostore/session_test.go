package mongostore_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/mongostore"
)

// createSession stores a session of user that is live from now for an
// hour, with first refresh-token hash hash.
func createSession(t *testing.T, s *mongostore.Store[mongostore.User], id, user, hash string, now time.Time) ginjwt.Session {
	t.Helper()
	sess := ginjwt.Session{
		ID: id, UserID: user, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour),
		UserAgent: "test-agent", IP: "192.0.2.1",
	}
	if err := s.CreateSession(t.Context(), sess, hash); err != nil {
		t.Fatalf("CreateSession(%s): %v", id, err)
	}
	return sess
}

func TestSessionTimesAreUTCMilliseconds(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	zone := time.FixedZone("X", -7*3600)
	created := time.Date(2031, 3, 4, 5, 6, 7, 891234567, zone)
	in := ginjwt.Session{
		ID: "s1", UserID: "u1", CreatedAt: created, LastUsedAt: created.Add(time.Minute),
		ExpiresAt: created.Add(time.Hour), UserAgent: "ua", IP: "2001:db8::1",
	}
	if err := s.CreateSession(ctx, in, "h1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	ms := func(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
	want := ginjwt.Session{
		ID: "s1", UserID: "u1", CreatedAt: ms(in.CreatedAt), LastUsedAt: ms(in.LastUsedAt),
		ExpiresAt: ms(in.ExpiresAt), UserAgent: "ua", IP: "2001:db8::1",
	}
	if got != want {
		t.Fatalf("Session = %+v\nwant      %+v", got, want)
	}
}

func TestInvalidUTF8UserAgentIsRepaired(t *testing.T) {
	s := newStore[mongostore.User](t)
	now := base()
	in := ginjwt.Session{
		ID: "s1", UserID: "u1", CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour),
		UserAgent: "agent\xff/1.0", IP: "192.0.2.1\xfe",
	}
	if err := s.CreateSession(t.Context(), in, "h1"); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	got, err := s.Session(t.Context(), "s1")
	if err != nil || got.UserAgent != "agent\uFFFD/1.0" || got.IP != "192.0.2.1\uFFFD" {
		t.Fatalf("Session = %q, %q, %v; want the bad bytes replaced by U+FFFD", got.UserAgent, got.IP, err)
	}
}

func TestRotateRefreshToken(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "s1", "u1", "h0", now)

	later := now.Add(10 * time.Minute)
	got, err := s.RotateRefreshToken(ctx, "h0", "h1", later, later.Add(time.Hour))
	if err != nil {
		t.Fatalf("Rotate h0: %v", err)
	}
	if !got.LastUsedAt.Equal(later) || !got.ExpiresAt.Equal(later.Add(time.Hour)) || !got.CreatedAt.Equal(now) {
		t.Fatalf("rotated session %+v: want last_used_at %v, expires_at %v", got, later, later.Add(time.Hour))
	}
	stored, err := s.Session(ctx, "s1")
	if err != nil || stored != got {
		t.Fatalf("Session after rotation = %+v, %v; want %+v", stored, err, got)
	}

	// h0 again: reuse, and nothing changes.
	_, err = s.RotateRefreshToken(ctx, "h0", "h2", later.Add(time.Minute), later.Add(2*time.Hour))
	var reuse *ginjwt.ReuseError
	if !errors.As(err, &reuse) || !errors.Is(err, ginjwt.ErrRefreshTokenReused) {
		t.Fatalf("Rotate spent h0: error = %v, want a *ReuseError", err)
	}
	if reuse.Session.ID != "s1" || !reuse.SpentAt.Equal(later) {
		t.Fatalf("ReuseError = %+v, want session s1 spent at %v", reuse, later)
	}
	if _, err := s.RotateRefreshToken(ctx, "h2", "h3", later, later.Add(time.Hour)); !errors.Is(err, ginjwt.ErrSessionNotFound) {
		t.Fatalf("Rotate h2 (issued by no one) error = %v, want ErrSessionNotFound", err)
	}

	// A sibling works alongside h1.
	if err := s.AddRefreshToken(ctx, "s1", "h1b", later); err != nil {
		t.Fatalf("AddRefreshToken: %v", err)
	}
	if _, err := s.RotateRefreshToken(ctx, "h1b", "h4", later, later.Add(time.Hour)); err != nil {
		t.Fatalf("Rotate sibling: %v", err)
	}
	if _, err := s.RotateRefreshToken(ctx, "h1", "h5", later, later.Add(time.Hour)); err != nil {
		t.Fatalf("Rotate h1 after its sibling: %v", err)
	}

	// Expired: not found, not reuse, even for a spent token.
	expired := later.Add(2 * time.Hour)
	for _, h := range []string{"h4", "h0"} {
		if _, err := s.RotateRefreshToken(ctx, h, "x-"+h, expired, expired.Add(time.Hour)); !errors.Is(err, ginjwt.ErrSessionNotFound) || errors.Is(err, ginjwt.ErrRefreshTokenReused) {
			t.Errorf("Rotate %s of an expired session: error = %v, want ErrSessionNotFound", h, err)
		}
	}
	if err := s.AddRefreshToken(ctx, "s1", "late", expired); !errors.Is(err, ginjwt.ErrSessionNotFound) {
		t.Errorf("AddRefreshToken to an expired session: error = %v, want ErrSessionNotFound", err)
	}

	// Revoked: the same.
	if err := s.RevokeSession(ctx, "s1", later); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"h4", "h0"} {
		if _, err := s.RotateRefreshToken(ctx, h, "y-"+h, later, later.Add(time.Hour)); !errors.Is(err, ginjwt.ErrSessionNotFound) || errors.Is(err, ginjwt.ErrRefreshTokenReused) {
			t.Errorf("Rotate %s of a revoked session: error = %v, want ErrSessionNotFound", h, err)
		}
	}
}

// Exactly one of many concurrent rotations of one token wins; on FerretDB
// this holds only because the winner is decided by an insert.
func TestConcurrentRotationHasOneWinner(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "s1", "u1", "h0", now)

	const n = 50
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		reused  []*ginjwt.ReuseError
		others  []error
	)
	for i := range n {
		wg.Go(func() {
			newHash := fmt.Sprintf("h1-%d", i)
			_, err := s.RotateRefreshToken(ctx, "h0", newHash, now.Add(time.Minute), now.Add(2*time.Hour))
			mu.Lock()
			defer mu.Unlock()
			var reuse *ginjwt.ReuseError
			switch {
			case err == nil:
				winners = append(winners, newHash)
			case errors.As(err, &reuse):
				reused = append(reused, reuse)
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 || len(reused) != n-1 || len(others) != 0 {
		t.Fatalf("%d rotations: %d won, %d *ReuseError, other errors %v; want 1 and %d",
			n, len(winners), len(reused), others, n-1)
	}
	for _, r := range reused {
		if r.Session.ID != "s1" || !r.SpentAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("ReuseError %+v: want session s1 spent at %v", r, now.Add(time.Minute))
		}
	}

	// Only the winner's new token is live.
	for i := range n {
		h := fmt.Sprintf("h1-%d", i)
		_, err := s.RotateRefreshToken(ctx, h, "h2-"+h, now.Add(2*time.Minute), now.Add(3*time.Hour))
		if h == winners[0] {
			if err != nil {
				t.Errorf("Rotate the winner's token: %v", err)
			}
		} else if !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("Rotate loser token %s: error = %v, want ErrSessionNotFound", h, err)
		}
	}
}

// A revocation that races a rotation of the same session always holds,
// also on FerretDB, where the rotation's session update could write back a
// copy that predates the revocation.
func TestRevocationRacingRotationHolds(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	now := base()
	const rounds = 20
	for i := range rounds {
		id := fmt.Sprintf("s%d", i)
		createSession(t, s, id, "u1", "h-"+id, now)
		var wg sync.WaitGroup
		var revokeErr error
		wg.Go(func() {
			s.RotateRefreshToken(ctx, "h-"+id, "h2-"+id, now.Add(time.Minute), now.Add(2*time.Hour))
		})
		wg.Go(func() { revokeErr = s.RevokeSession(ctx, id, now.Add(time.Minute)) })
		wg.Wait()
		if revokeErr != nil {
			t.Fatalf("round %d: RevokeSession: %v", i, revokeErr)
		}
		got, err := s.Session(ctx, id)
		if err != nil || got.RevokedAt.IsZero() {
			t.Fatalf("round %d: session after revoke = %+v, %v; want it revoked", i, got, err)
		}
	}
	if list, err := s.ListSessions(ctx, "u1", now.Add(time.Minute)); err != nil || len(list) != 0 {
		t.Fatalf("ListSessions = %v, %v; want none live", list, err)
	}
}

func TestListAndRevokeSessions(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "a1", "alice", "ha1", now)
	createSession(t, s, "a2", "alice", "ha2", now.Add(time.Second))
	createSession(t, s, "a3", "alice", "ha3", now.Add(2*time.Second))
	createSession(t, s, "old", "alice", "hold", now.Add(-2*time.Hour)) // expired at now
	createSession(t, s, "b1", "bob", "hb1", now)

	ids := func(list []ginjwt.Session) string {
		var out []string
		for _, s := range list {
			out = append(out, s.ID)
		}
		return fmt.Sprint(out)
	}
	list, err := s.ListSessions(ctx, "alice", now.Add(3*time.Second))
	if err != nil || ids(list) != "[a3 a2 a1]" {
		t.Fatalf("ListSessions(alice) = %s, %v; want [a3 a2 a1]", ids(list), err)
	}

	if err := s.RevokeSession(ctx, "a2", now.Add(4*time.Second)); err != nil {
		t.Fatalf("RevokeSession(a2): %v", err)
	}
	for _, id := range []string{"a2", "old", "missing"} {
		if err := s.RevokeSession(ctx, id, now.Add(5*time.Second)); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("RevokeSession(%s) error = %v, want ErrSessionNotFound", id, err)
		}
	}
	a2, err := s.Session(ctx, "a2")
	if err != nil || !a2.RevokedAt.Equal(now.Add(4*time.Second)) {
		t.Fatalf("Session(a2) = %+v, %v; want revoked at %v", a2, err, now.Add(4*time.Second))
	}

	n, err := s.RevokeUserSessions(ctx, "alice", now.Add(6*time.Second))
	if err != nil || n != 2 {
		t.Fatalf("RevokeUserSessions(alice) = %d, %v; want 2 (a1, a3)", n, err)
	}
	if list, _ := s.ListSessions(ctx, "alice", now.Add(7*time.Second)); len(list) != 0 {
		t.Fatalf("alice's live sessions after revoking all: %s", ids(list))
	}
	if n, err := s.RevokeUserSessions(ctx, "alice", now.Add(8*time.Second)); err != nil || n != 0 {
		t.Fatalf("second RevokeUserSessions(alice) = %d, %v; want 0", n, err)
	}
	if list, _ := s.ListSessions(ctx, "bob", now.Add(time.Second)); ids(list) != "[b1]" {
		t.Fatalf("bob's sessions = %s, want [b1] untouched", ids(list))
	}
	if _, err := s.Session(ctx, "missing"); !errors.Is(err, ginjwt.ErrSessionNotFound) {
		t.Fatalf("Session(missing) error = %v, want ErrSessionNotFound", err)
	}
}

func TestPurgeExpired(t *testing.T) {
	s, db := newStoreDB[mongostore.User](t)
	ctx := t.Context()
	now := base()
	count := func(coll, sessionID string) int64 {
		t.Helper()
		field := "session_id"
		if coll == "sessions" || coll == "revoked_sessions" {
			field = "_id"
		}
		n, err := db.Collection(coll).CountDocuments(ctx, bson.D{{Key: field, Value: sessionID}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	createSession(t, s, "gone", "u", "g0", now.Add(-2*time.Hour)) // expired an hour before now
	if _, err := s.RotateRefreshToken(ctx, "g0", "g1", now.Add(-90*time.Minute), now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeSession(ctx, "gone", now.Add(-70*time.Minute)); err != nil {
		t.Fatal(err)
	}
	createSession(t, s, "kept", "u", "k0", now.Add(-30*time.Minute)) // live until now+30m
	if err := s.RevokeSession(ctx, "kept", now.Add(-20*time.Minute)); err != nil {
		t.Fatal(err)
	}

	n, err := s.PurgeExpired(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v; want 1", n, err)
	}
	for _, coll := range []string{"sessions", "refresh_tokens", "spent_refresh_tokens", "revoked_sessions"} {
		if c := count(coll, "gone"); c != 0 {
			t.Errorf("%s still holds %d documents of the purged session", coll, c)
		}
	}
	if _, err := s.Session(ctx, "kept"); err != nil {
		t.Fatalf("Session(kept) after purge: %v", err)
	}
	if c := count("refresh_tokens", "kept"); c != 1 {
		t.Fatalf("refresh_tokens of the kept session: %d, want 1", c)
	}
	if n, err := s.PurgeExpired(ctx, now); err != nil || n != 0 {
		t.Fatalf("second PurgeExpired = %d, %v; want 0", n, err)
	}
}

// Token hashes outlive their session's first expiry while the session
// lives on, and are swept once the session is gone, however it went (here
// as a TTL index would remove it).
func TestPurgeSweepsOrphans(t *testing.T) {
	s, db := newStoreDB[mongostore.User](t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "s1", "u", "h0", now) // expires now+1h
	if _, err := s.RotateRefreshToken(ctx, "h0", "h1", now.Add(30*time.Minute), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}

	// At now+90m h0's first check is due, but the session lives on.
	if n, err := s.PurgeExpired(ctx, now.Add(90*time.Minute)); err != nil || n != 0 {
		t.Fatalf("PurgeExpired = %d, %v; want 0", n, err)
	}
	_, err := s.RotateRefreshToken(ctx, "h0", "h2", now.Add(91*time.Minute), now.Add(3*time.Hour))
	if !errors.Is(err, ginjwt.ErrRefreshTokenReused) {
		t.Fatalf("Rotate h0 after the purge: error = %v, want reuse still detected", err)
	}

	// The session disappears without PurgeExpired.
	if _, err := db.Collection("sessions").DeleteOne(ctx, bson.D{{Key: "_id", Value: "s1"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeExpired(ctx, now.Add(3*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PurgeExpired = %d, %v; want 0 sessions", n, err)
	}
	for _, coll := range []string{"refresh_tokens", "spent_refresh_tokens"} {
		n, err := db.Collection(coll).CountDocuments(ctx, bson.D{})
		if err != nil || n != 0 {
			t.Errorf("%s holds %d documents (%v) after the sweep, want 0", coll, n, err)
		}
	}
}

func TestEnsureIndexes(t *testing.T) {
	s, db := newStoreDB[mongostore.User](t) // EnsureIndexes once
	ctx := t.Context()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("second EnsureIndexes: %v", err)
	}
	if onFerretDB() && s.TTL() {
		t.Error("TTL() = true on FerretDB, which has no TTL indexes")
	}
	t.Logf("TTL() = %v", s.TTL())

	cur, err := db.Collection("users").Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var indexes []struct {
		Name   string `bson:"name"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &indexes); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ix := range indexes {
		found = found || (ix.Name == "email_normalized_unique" && ix.Unique)
	}
	if !found {
		t.Fatalf("users indexes %+v: want the unique email_normalized_unique", indexes)
	}

	// Named collections are used.
	custom, err := mongostore.New[mongostore.User](db, mongostore.WithCollections(mongostore.Collections{Users: "people"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := custom.CreateUser(ctx, newUser("c@example.com")); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("people").CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("people holds %d users (%v), want 1", n, err)
	}
}
