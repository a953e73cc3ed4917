package mongostore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/mongostore"
)

// hostile are inputs that would match other documents if they ever reached
// a query as operators or patterns instead of plain strings.
var hostile = []string{
	`{"$ne": null}`,
	`{"$gt": ""}`,
	`{"$regex": ".*"}`,
	`{"$exists": true}`,
	`$ne`,
	`$gt`,
	`$where`,
	`.*`,
	``,
	`null`,
	"\x00",
	"a\x00b",
	"\xff\xfe\xfd",
	strings.Repeat("a", 10<<10),
	`ObjectId("000000000000000000000000")`,
}

func TestHostileInputNeverMatches(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	now := base()

	victim, err := s.CreateUser(ctx, newUser("victim@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	sess := ginjwt.Session{
		ID: "victim-session", UserID: victim.Subject(),
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour),
	}
	if err := s.CreateSession(ctx, sess, "victim-hash"); err != nil {
		t.Fatal(err)
	}

	id := victim.Subject()
	badIDs := append([]string{
		strings.ToUpper(id),
		" " + id,
		id + " ",
		id + "0",
		id[:23],
		`ObjectId("` + id + `")`,
		bson.NewObjectID().Hex(), // well-formed, absent
		"000000000000000000000000",
		"zzzzzzzzzzzzzzzzzzzzzzzz",
	}, hostile...)

	for _, in := range badIDs {
		if _, err := s.FindUserByID(ctx, in); !errors.Is(err, ginjwt.ErrUserNotFound) {
			t.Errorf("FindUserByID(%q) error = %v, want ErrUserNotFound", in, err)
		}
		if err := s.SetPasswordHash(ctx, in, "pwned"); !errors.Is(err, ginjwt.ErrUserNotFound) {
			t.Errorf("SetPasswordHash(%q) error = %v, want ErrUserNotFound", in, err)
		}
		if err := s.RecordLogin(ctx, in, now); !errors.Is(err, ginjwt.ErrUserNotFound) {
			t.Errorf("RecordLogin(%q) error = %v, want ErrUserNotFound", in, err)
		}
	}
	for _, in := range append(hostile, "VICTIM@EXAMPLE.COM", "victim@example.com ") {
		if _, err := s.FindUserByEmail(ctx, in); !errors.Is(err, ginjwt.ErrUserNotFound) {
			t.Errorf("FindUserByEmail(%q) error = %v, want ErrUserNotFound", in, err)
		}
	}
	for _, in := range hostile {
		if _, err := s.Session(ctx, in); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("Session(%q) error = %v, want ErrSessionNotFound", in, err)
		}
		if _, err := s.RotateRefreshToken(ctx, in, "new-"+in, now, now.Add(time.Hour)); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("RotateRefreshToken(%q) error = %v, want ErrSessionNotFound", in, err)
		}
		if err := s.AddRefreshToken(ctx, in, "sibling-"+in, now); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("AddRefreshToken(%q) error = %v, want ErrSessionNotFound", in, err)
		}
		if err := s.RevokeSession(ctx, in, now); !errors.Is(err, ginjwt.ErrSessionNotFound) {
			t.Errorf("RevokeSession(%q) error = %v, want ErrSessionNotFound", in, err)
		}
		if list, err := s.ListSessions(ctx, in, now); err != nil || len(list) != 0 {
			t.Errorf("ListSessions(%q) = %v, %v; want none", in, list, err)
		}
		if n, err := s.RevokeUserSessions(ctx, in, now); err != nil || n != 0 {
			t.Errorf("RevokeUserSessions(%q) = %d, %v; want 0", in, n, err)
		}
	}

	// The victim is untouched.
	got, err := s.FindUserByID(ctx, id)
	if err != nil || got.HashedPassword() != victim.HashedPassword() || got.LastLogin != nil {
		t.Fatalf("victim after the attack: %+v, %v; want unchanged", got, err)
	}
	list, err := s.ListSessions(ctx, id, now)
	if err != nil || len(list) != 1 || !list[0].Live(now) {
		t.Fatalf("victim's sessions after the attack: %v, %v; want the one live session", list, err)
	}
}

// A hostile string is stored and found as the literal string it is.
func TestHostileStringsAreStoredLiterally(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()
	for _, email := range []string{`{"$ne": null}`, `$gt`} {
		u, err := s.CreateUser(ctx, newUser(email))
		if err != nil {
			t.Fatalf("CreateUser(%q): %v", email, err)
		}
		got, err := s.FindUserByEmail(ctx, email)
		if err != nil || got.ID != u.ID || got.EmailNormalized != email {
			t.Fatalf("FindUserByEmail(%q) = %v, %v; want the user created with it", email, got.ID, err)
		}
	}
	if _, err := s.FindUserByEmail(ctx, "someone@example.com"); !errors.Is(err, ginjwt.ErrUserNotFound) {
		t.Fatalf("FindUserByEmail(other) error = %v, want ErrUserNotFound", err)
	}
}
