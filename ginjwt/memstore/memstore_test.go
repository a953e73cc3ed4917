package memstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/storetest"
)

// database is one in-memory store; reopening it returns the same store, so
// data outlives Close as it would in a real database.
type database struct{ store *memstore.Store }

func (d database) Open(*testing.T) (ginjwt.UserStore[memstore.User], ginjwt.SessionStore) {
	return d.store, d.store
}

func (database) Close(*testing.T) {}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Database[memstore.User] {
		return database{store: memstore.New()}
	})
}

func newUser(t *testing.T, s *memstore.Store, email string) memstore.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), ginjwt.NewUser{
		Email:           email,
		NormalizedEmail: email,
		PasswordHash:    "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA",
		Username:        "user",
	})
	require.NoError(t, err)
	return u
}

func find(t *testing.T, s *memstore.Store, id string) memstore.User {
	t.Helper()
	u, err := s.FindUserByID(context.Background(), id)
	require.NoError(t, err)
	return u
}

func TestSetActive(t *testing.T) {
	s := memstore.New()
	u := newUser(t, s, "a@example.com")
	other := newUser(t, s, "b@example.com")

	require.NoError(t, s.SetActive(u.ID, false))
	assert.False(t, find(t, s, u.ID).IsActive(), "SetActive(false) deactivates the user")
	assert.True(t, find(t, s, other.ID).IsActive(), "SetActive changes only that user")
	require.NoError(t, s.SetActive(u.ID, true))
	assert.True(t, find(t, s, u.ID).IsActive(), "SetActive(true) reactivates the user")

	assert.ErrorIs(t, s.SetActive("nope", false), ginjwt.ErrUserNotFound)
}

func TestSetStaff(t *testing.T) {
	s := memstore.New()
	u := newUser(t, s, "a@example.com")
	other := newUser(t, s, "b@example.com")

	require.NoError(t, s.SetStaff(u.ID, true))
	got := find(t, s, u.ID)
	assert.True(t, got.IsStaff(), "SetStaff(true) promotes the user")
	assert.True(t, got.IsActive(), "SetStaff leaves IsActive alone")
	assert.False(t, find(t, s, other.ID).IsStaff(), "SetStaff changes only that user")
	require.NoError(t, s.SetStaff(u.ID, false))
	assert.False(t, find(t, s, u.ID).IsStaff(), "SetStaff(false) demotes the user")

	assert.ErrorIs(t, s.SetStaff("nope", true), ginjwt.ErrUserNotFound)
}

func TestReturnsCopies(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	u := newUser(t, s, "a@example.com")
	login := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, s.RecordLogin(ctx, u.ID, login))

	// Change everything a caller could change in what it was given.
	u.Email, u.PasswordHash, u.Staff = "x", "x", true
	byID := find(t, s, u.ID)
	byID.Active, byID.PasswordHash = false, ""
	*byID.LastLogin = time.Time{}
	byEmail, err := s.FindUserByEmail(ctx, "a@example.com")
	require.NoError(t, err)
	*byEmail.LastLogin = time.Time{}

	got := find(t, s, u.ID)
	assert.Equal(t, "a@example.com", got.Email)
	assert.True(t, got.IsActive())
	assert.False(t, got.IsStaff())
	assert.NotEmpty(t, got.PasswordHash)
	require.NotNil(t, got.LastLogin)
	assert.True(t, login.Equal(*got.LastLogin), "changing a returned LastLogin must not change the stored one")

	sess := ginjwt.Session{ID: "s1", UserID: u.ID, CreatedAt: login, LastUsedAt: login, ExpiresAt: login.Add(time.Hour)}
	require.NoError(t, s.CreateSession(ctx, sess, "h0"))
	sess.UserAgent = "changed after CreateSession"
	got1, err := s.Session(ctx, "s1")
	require.NoError(t, err)
	got1.RevokedAt = login
	list, err := s.ListSessions(ctx, u.ID, login)
	require.NoError(t, err)
	require.Len(t, list, 1)
	list[0].ExpiresAt = login

	got2, err := s.Session(ctx, "s1")
	require.NoError(t, err)
	assert.Empty(t, got2.UserAgent)
	assert.True(t, got2.RevokedAt.IsZero())
	assert.True(t, got2.ExpiresAt.Equal(login.Add(time.Hour)))
}

func TestUserJSON(t *testing.T) {
	s := memstore.New()
	u := newUser(t, s, "a@example.com")
	b, err := json.Marshal(u)
	require.NoError(t, err)
	var obj map[string]any
	require.NoError(t, json.Unmarshal(b, &obj))

	for _, key := range []string{"id", "email", "username", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "is_verified", "last_login", "created_at", "updated_at"} {
		assert.Contains(t, obj, key, "the user object has %q", key)
	}
	assert.Len(t, obj, 12, "the user object has no other keys (no password hash, no normalised email)")
	assert.NotContains(t, string(b), u.PasswordHash)
	assert.Nil(t, obj["last_login"], "last_login is null before the first sign-in")
}

func TestDuplicateSessionAndHash(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	now := time.Now()
	sess := ginjwt.Session{ID: "s1", UserID: "u", CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, s.CreateSession(ctx, sess, "h0"))
	assert.Error(t, s.CreateSession(ctx, sess, "h1"), "a session id is stored once")
	sess.ID = "s2"
	assert.Error(t, s.CreateSession(ctx, sess, "h0"), "a hash belongs to one session")
	_, err := s.RotateRefreshToken(ctx, "h0", "h0", now, now.Add(time.Hour))
	require.Error(t, err, "rotating to a hash that is already stored fails")
	assert.NotErrorIs(t, err, ginjwt.ErrRefreshTokenReused)
	_, err = s.RotateRefreshToken(ctx, "h0", "h1", now, now.Add(time.Hour))
	assert.NoError(t, err, "a failed rotation does not spend the token")
}

func BenchmarkFindUserByID(b *testing.B) {
	ctx := context.Background()
	s := memstore.New()
	u, err := s.CreateUser(ctx, ginjwt.NewUser{Email: "a@example.com", NormalizedEmail: "a@example.com"})
	require.NoError(b, err)
	for _, login := range []bool{false, true} {
		name := "NeverSignedIn"
		if login {
			name = "SignedIn"
			require.NoError(b, s.RecordLogin(ctx, u.ID, time.Now()))
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.FindUserByID(ctx, u.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
