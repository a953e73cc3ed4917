package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// env is one fresh database under test and the helpers that fill it.
type env[U ginjwt.User] struct {
	t        *testing.T
	db       Database[U]
	users    ginjwt.UserStore[U]
	sessions ginjwt.SessionStore
	isOpen   bool
	ctx      context.Context
	// base is "now" for the test: the current time in UTC, truncated to the
	// millisecond. Tests use offsets from it and never sleep.
	base time.Time
	seq  int
}

func newEnv[U ginjwt.User](t *testing.T, fresh func(t *testing.T) Database[U]) *env[U] {
	t.Helper()
	db := fresh(t)
	require.NotNil(t, db, "storetest: fresh must return a Database")
	e := &env[U]{
		t:    t,
		db:   db,
		ctx:  t.Context(),
		base: time.Now().UTC().Truncate(time.Millisecond),
	}
	t.Cleanup(func() {
		if e.isOpen {
			e.db.Close(t)
		}
	})
	e.open()
	return e
}

// open opens the database.
func (e *env[U]) open() {
	e.t.Helper()
	e.users, e.sessions = e.db.Open(e.t)
	e.isOpen = true
	require.NotNil(e.t, e.users, "Database.Open must return a UserStore")
	require.NotNil(e.t, e.sessions, "Database.Open must return a SessionStore")
}

// restart closes the database and opens it again, as a restarted server
// would.
func (e *env[U]) restart() {
	e.t.Helper()
	e.db.Close(e.t)
	e.isOpen = false
	e.open()
}

// at returns base+d.
func (e *env[U]) at(d time.Duration) time.Time { return e.base.Add(d) }

// newUser returns a valid signup for email, normalised as ginjwt does for
// ASCII addresses.
func (e *env[U]) newUser(email string) ginjwt.NewUser {
	e.seq++
	return ginjwt.NewUser{
		Email:           email,
		NormalizedEmail: strings.ToLower(email),
		PasswordHash:    fakeHash(),
		Username:        fmt.Sprintf("user%d", e.seq),
		FirstName:       "Zoë",
		LastName:        fmt.Sprintf("Tester-%d", e.seq),
	}
}

// uniqueEmail returns an address no other user of the test has.
func (e *env[U]) uniqueEmail() string {
	e.seq++
	return fmt.Sprintf("User%d.Name@Example.com", e.seq)
}

// createUser stores nu and checks what CreateUser returns.
func (e *env[U]) createUser(nu ginjwt.NewUser) U {
	e.t.Helper()
	u, err := e.users.CreateUser(e.ctx, nu)
	require.NoError(e.t, err, "CreateUser(%q) of a new email must succeed", nu.Email)
	require.NotEmpty(e.t, u.Subject(), "CreateUser must return the user with its id set: Subject() is never empty for a stored user")
	return u
}

// user creates a user with a unique email.
func (e *env[U]) user() U {
	e.t.Helper()
	return e.createUser(e.newUser(e.uniqueEmail()))
}

// newSession returns a session of userID created at created that expires
// ttl later, with a fresh id.
func (e *env[U]) newSession(userID string, created time.Time, ttl time.Duration) ginjwt.Session {
	e.seq++
	return ginjwt.Session{
		ID:         newSessionID(),
		UserID:     userID,
		CreatedAt:  created,
		LastUsedAt: created,
		ExpiresAt:  created.Add(ttl),
		UserAgent:  fmt.Sprintf("Mozilla/5.0 (storetest %d; ü)", e.seq),
		IP:         fmt.Sprintf("2001:db8::%x", e.seq),
		// Distinct per session, so that a store that drops it is caught.
		CredentialsVersion: int64(e.seq) * 7,
		CSRFToken:          newHash()[:43],
	}
}

// createSession stores s with a fresh refresh-token hash and returns the
// hash.
func (e *env[U]) createSession(s ginjwt.Session) string {
	e.t.Helper()
	h := newHash()
	require.NoError(e.t, e.sessions.CreateSession(e.ctx, s, h), "CreateSession of a new session must succeed")
	return h
}

// liveSession creates a session of userID created at base that expires a
// day later.
func (e *env[U]) liveSession(userID string) (ginjwt.Session, string) {
	e.t.Helper()
	s := e.newSession(userID, e.base, 24*time.Hour)
	return s, e.createSession(s)
}

// rotate rotates oldHash at now and requires success; it returns the new
// hash and the updated session.
func (e *env[U]) rotate(oldHash string, now, expiresAt time.Time) (string, ginjwt.Session) {
	e.t.Helper()
	h := newHash()
	s, err := e.sessions.RotateRefreshToken(e.ctx, oldHash, h, now, expiresAt)
	require.NoError(e.t, err, "RotateRefreshToken of a live, unspent token of a live session must succeed")
	return h, s
}

// session loads the session with id and requires success.
func (e *env[U]) session(id string) ginjwt.Session {
	e.t.Helper()
	s, err := e.sessions.Session(e.ctx, id)
	require.NoError(e.t, err, "Session(id) must return a stored session, revoked or not, until PurgeExpired deletes it")
	return s
}

// newSessionID returns 128 random bits as hex, the form ginjwt uses.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newHash returns the hex SHA-256 of a random refresh token, as ginjwt
// hands it to the store.
func newHash() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	sum := sha256.Sum256(b[:])
	return hex.EncodeToString(sum[:])
}

// fakeHash returns a unique string in the form of an argon2id PHC hash.
func fakeHash() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	enc := base64.RawStdEncoding
	return "$argon2id$v=19$m=65536,t=3,p=2$" + enc.EncodeToString(b[:16]) + "$" + enc.EncodeToString(b[16:])
}

// assertSession checks that got is want as a store must return it: every
// field equal, times equal and in UTC.
func assertSession(t *testing.T, want, got ginjwt.Session, what string) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID, "%s: ID", what)
	assert.Equal(t, want.UserID, got.UserID, "%s: UserID", what)
	assert.Equal(t, want.UserAgent, got.UserAgent, "%s: UserAgent must be kept as given", what)
	assert.Equal(t, want.IP, got.IP, "%s: IP must be kept as given", what)
	assert.Equal(t, want.CredentialsVersion, got.CredentialsVersion, "%s: CredentialsVersion must be kept as given", what)
	assert.Equal(t, want.CSRFToken, got.CSRFToken, "%s: CSRFToken must be kept as given, across rotations and revocation", what)
	assertTime(t, want.CreatedAt, got.CreatedAt, what+": CreatedAt")
	assertTime(t, want.LastUsedAt, got.LastUsedAt, what+": LastUsedAt")
	assertTime(t, want.ExpiresAt, got.ExpiresAt, what+": ExpiresAt")
	assertTime(t, want.RevokedAt, got.RevokedAt, what+": RevokedAt (zero while not revoked)")
}

// assertTime checks that got equals want to the millisecond and is in UTC.
func assertTime(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	if want.IsZero() {
		assert.True(t, got.IsZero(), "%s: want the zero time, got %v", what, got)
		return
	}
	assert.True(t, want.Equal(got), "%s: want %v, got %v (stores keep at least millisecond precision)", what, want, got)
	assert.True(t, got.Location() == time.UTC, "%s: %v is in %q, not UTC; stores return every time in UTC", what, got, got.Location())
}
