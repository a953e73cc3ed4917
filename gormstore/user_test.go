package gormstore

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// appUser is an application's model: gormstore.User plus its own fields.
type appUser struct {
	User
	Plan    string `gorm:"not null;default:free"`
	Credits int    `gorm:"not null"`
	Beta    bool   `gorm:"not null"`
}

var _ ginjwt.UserStore[appUser] = (*Store[appUser])(nil)

// plainUser satisfies ginjwt.User without embedding gormstore.User.
type plainUser struct{ ID string }

func (u plainUser) Subject() string           { return u.ID }
func (u plainUser) HashedPassword() string    { return "" }
func (u plainUser) IsActive() bool            { return true }
func (u plainUser) IsStaff() bool             { return false }
func (u plainUser) CredentialsVersion() int64 { return 0 }

// pointerUser embeds *gormstore.User, which the store cannot fill.
type pointerUser struct{ *User }

func TestNewRefuses(t *testing.T) {
	db, err := gorm.Open(sqlite.Open(SQLiteDSN(t.TempDir()+"/x.db")), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(t, db) })
	tests := []struct {
		name string
		new  func() error
		want []string // substrings of the error
	}{
		{"no embedding", func() error { _, err := New[plainUser](db); return err },
			[]string{"gormstore.plainUser", "does not embed gormstore.User"}},
		{"pointer embedding", func() error { _, err := New[pointerUser](db); return err },
			[]string{"gormstore.pointerUser", "by value"}},
		{"pointer type", func() error { _, err := New[*User](db); return err },
			[]string{"*gormstore.User", "does not embed"}},
		{"nil db", func() error { _, err := New[User](nil); return err },
			[]string{"db is nil"}},
		{"zero timeout", func() error { _, err := New[User](db, WithTimeout(0)); return err },
			[]string{"WithTimeout"}},
		{"same table names", func() error { _, err := New[User](db, WithSessionTables("t", "t")); return err },
			[]string{"WithSessionTables"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.new()
			if err == nil {
				t.Fatal("New accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	t.Run("MustNew panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("MustNew did not panic")
			}
		}()
		MustNew[plainUser](db)
	})
	t.Run("accepts embedding", func(t *testing.T) {
		if _, err := New[appUser](db); err != nil {
			t.Fatal(err)
		}
		if _, err := New[User](db); err != nil {
			t.Fatal(err)
		}
	})
}

func TestUserJSON(t *testing.T) {
	login := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	u := appUser{User: User{ID: "id1", Email: "A@x.io", EmailNormalized: "a@x.io",
		PasswordHash: "secret-hash", Active: true, LastLogin: &login}, Plan: "pro"}
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"Beta", "Credits", "Plan", "created_at", "email", "first_name", "id", "is_active",
		"is_staff", "is_superuser", "is_verified", "last_login", "last_name", "updated_at", "username"}
	if !slices.Equal(keys, want) {
		t.Errorf("JSON keys = %v, want %v", keys, want)
	}
	if strings.Contains(string(b), "secret-hash") || strings.Contains(string(b), "a@x.io") {
		t.Errorf("JSON leaks the hash or the normalised email: %s", b)
	}
	if m["last_login"] != "2030-01-02T03:04:05Z" || m["is_active"] != true {
		t.Errorf("JSON = %s", b)
	}
}

func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newUUID()
		if !v4.MatchString(id) {
			t.Fatalf("%q is not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("%q twice", id)
		}
		seen[id] = true
	}
}
