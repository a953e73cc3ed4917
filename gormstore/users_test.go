package gormstore

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func newUser(email string) ginjwt.NewUser {
	return ginjwt.NewUser{
		Email:           email,
		NormalizedEmail: strings.ToLower(email),
		PasswordHash:    "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA",
		Username:        "user",
		FirstName:       "Ada",
		LastName:        "Lovelace",
	}
}

// TestMalformedKeys: every look-up key is a bound parameter, so SQL-ish,
// binary or oversized ids simply match nothing and never turn into a
// store failure (which ginjwt would answer with 503).
func TestMalformedKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := migrated[User](t, db)
		u := mustCreate(t, s, "real@x.io")
		now := time.Now()
		sess := ginjwt.Session{ID: "sess-1", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, sess, "hash-1"); err != nil {
			t.Fatal(err)
		}
		keys := []string{
			"", "0", "1", "-1", "NULL", "*", "%", "_", "1 OR 1=1", "' OR '1'='1", "id", "id = id",
			"'; DROP TABLE users; --", "\x00", u.ID + "\x00", "\xff\xfe", "é", strings.Repeat("9", 1000),
			strings.ToUpper(u.ID), u.ID + " ", " " + u.ID, u.ID[:35], "00000000-0000-4000-8000-000000000000",
			"SESS-1", "sess-%", "hash-%",
		}
		for _, k := range keys {
			if _, err := s.FindUserByID(ctx, k); !errors.Is(err, ginjwt.ErrUserNotFound) {
				t.Errorf("FindUserByID(%q) = %v", k, err)
			}
			if _, err := s.FindUserByEmail(ctx, k); !errors.Is(err, ginjwt.ErrUserNotFound) {
				t.Errorf("FindUserByEmail(%q) = %v", k, err)
			}
			if err := s.SetPasswordHash(ctx, k, "pwned"); !errors.Is(err, ginjwt.ErrUserNotFound) {
				t.Errorf("SetPasswordHash(%q) = %v", k, err)
			}
			if err := s.RecordLogin(ctx, k, now); !errors.Is(err, ginjwt.ErrUserNotFound) {
				t.Errorf("RecordLogin(%q) = %v", k, err)
			}
			if _, err := s.Session(ctx, k); !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("Session(%q) = %v", k, err)
			}
			if err := s.RevokeSession(ctx, k, now); !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("RevokeSession(%q) = %v", k, err)
			}
			if err := s.AddRefreshToken(ctx, k, "sibling", now); !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("AddRefreshToken(%q) = %v", k, err)
			}
			if _, err := s.RotateRefreshToken(ctx, k, "next", now, now.Add(time.Hour)); !errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Errorf("RotateRefreshToken(%q) = %v", k, err)
			}
			if list, err := s.ListSessions(ctx, k, now); err != nil || len(list) != 0 {
				t.Errorf("ListSessions(%q) = %v, %v", k, list, err)
			}
			if n, err := s.RevokeUserSessions(ctx, k, now); err != nil || n != 0 {
				t.Errorf("RevokeUserSessions(%q) = %d, %v", k, n, err)
			}
		}
		// Nothing above touched the real rows.
		got, err := s.FindUserByID(ctx, u.ID)
		if err != nil || got.PasswordHash != u.PasswordHash || got.LastLogin != nil {
			t.Errorf("user after the malformed calls: %+v, %v", got, err)
		}
		if live, err := s.ListSessions(ctx, u.ID, now); err != nil || len(live) != 1 {
			t.Errorf("sessions after the malformed calls: %v, %v", live, err)
		}
	})
}

// TestAppModel: an application model that embeds User keeps its own
// columns through the store's writes, and booleans set to false stay
// false.
func TestAppModel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := migrated[appUser](t, db)
		if !db.Migrator().HasTable("app_users") || !db.Migrator().HasColumn(&appUser{}, "plan") {
			t.Fatal("Migrate did not create app_users with its extra columns")
		}
		created := mustCreate(t, s, "Ada@x.io")
		if created.ID == "" || !created.IsActive() || created.IsStaff() || created.Superuser ||
			created.Email != "Ada@x.io" || created.EmailNormalized != "ada@x.io" {
			t.Fatalf("created %+v", created)
		}
		got, err := s.FindUserByID(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Plan != "free" || got.Subject() != created.ID || got.FirstName != "Ada" {
			t.Errorf("found %+v", got)
		}
		// The application edits its own fields and flags with GORM.
		err = db.Model(&appUser{}).Where("id = ?", created.ID).Updates(map[string]any{
			"plan": "pro", "credits": 5, "beta": true, "is_staff": true, "is_active": false,
		}).Error
		if err != nil {
			t.Fatal(err)
		}
		login := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))
		if err := s.RecordLogin(ctx, created.ID, login); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPasswordHash(ctx, created.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		got, err = s.FindUserByID(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Plan != "pro" || got.Credits != 5 || !got.Beta {
			t.Errorf("extra fields lost: %+v", got)
		}
		if got.IsActive() || !got.IsStaff() || got.HashedPassword() != "new-hash" {
			t.Errorf("flags or hash wrong: %+v", got.User)
		}
		if got.LastLogin == nil || !got.LastLogin.Equal(login.Truncate(time.Microsecond)) {
			t.Errorf("last_login = %v, want %v", got.LastLogin, login)
		}
		for name, tm := range map[string]time.Time{"created_at": got.CreatedAt, "updated_at": got.UpdatedAt, "last_login": *got.LastLogin} {
			if tm.Location() != time.UTC {
				t.Errorf("%s is in %v, not UTC", name, tm.Location())
			}
		}
		if !got.UpdatedAt.After(created.UpdatedAt) && !got.UpdatedAt.Equal(created.UpdatedAt) {
			t.Errorf("updated_at went back: %v < %v", got.UpdatedAt, created.UpdatedAt)
		}
	})
}

// TestEmailUniqueness: uniqueness is on the normalised copy, which the
// caller lower-cases with Unicode rules (no database folds É to é the
// same way).
func TestEmailUniqueness(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := migrated[User](t, db)
		first := mustCreate(t, s, "ÉMILE@x.io")
		for _, email := range []string{"émile@x.io", "Émile@X.io", "ÉMILE@x.io"} {
			if _, err := s.CreateUser(ctx, newUser(email)); !errors.Is(err, ginjwt.ErrUserExists) {
				t.Errorf("CreateUser(%q) = %v, want ErrUserExists", email, err)
			}
		}
		mustCreate(t, s, "emile@x.io") // no accent: another address
		got, err := s.FindUserByEmail(ctx, "émile@x.io")
		if err != nil || got.ID != first.ID || got.Email != "ÉMILE@x.io" {
			t.Errorf("FindUserByEmail = %+v, %v", got, err)
		}
		if _, err := s.FindUserByEmail(ctx, "ÉMILE@x.io"); !errors.Is(err, ginjwt.ErrUserNotFound) {
			t.Errorf("look-up by the raw address: %v, want ErrUserNotFound", err)
		}
	})
}

// TestCreateRace: of concurrent sign-ups with one address, one wins and
// the others get ErrUserExists, not a store failure.
func TestCreateRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		s := migrated[User](t, db)
		const n = 10
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = s.CreateUser(context.Background(), newUser("race@x.io"))
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ginjwt.ErrUserExists):
				t.Errorf("CreateUser: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d creations won, want 1", won)
		}
	})
}

// TestDuplicateWithTranslateError: an application that opened GORM with
// TranslateError gets ErrUserExists all the same.
func TestDuplicateWithTranslateError(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "t.db"), &gorm.Config{TranslateError: true})
	s := migrated[User](t, db)
	mustCreate(t, s, "a@x.io")
	if _, err := s.CreateUser(context.Background(), newUser("A@x.io")); !errors.Is(err, ginjwt.ErrUserExists) {
		t.Errorf("CreateUser = %v, want ErrUserExists", err)
	}
}
