package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func userTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"CreateReturnsStoredUser", testCreateUser[U]},
		{"CreateAssignsDistinctIDs", testDistinctIDs[U]},
		{"FindByIDRoundTrip", testFindByID[U]},
		{"FindByEmailRoundTrip", testFindByEmail[U]},
		{"DuplicateEmail", testDuplicateEmail[U]},
		{"SetPasswordHash", testSetPasswordHash[U]},
		{"RecordLogin", testRecordLogin[U]},
		{"SwapPasswordHash", testSwapPasswordHash[U]},
		{"CreateRefusesEmptyEmail", testCreateEmptyEmail[U]},
		{"CreateUserWith", testCreateUserWith[U]},
		{"SetUserActive", testSetUserActive[U]},
	}
}

// checkUser checks that got is the user want as the store must return it.
func checkUser[U ginjwt.User](t *testing.T, want, got U, what string) {
	t.Helper()
	assert.Equal(t, want.Subject(), got.Subject(), "%s: must return the user with that Subject()", what)
	assert.Equal(t, want.HashedPassword(), got.HashedPassword(), "%s: HashedPassword()", what)
	assert.Equal(t, want.IsActive(), got.IsActive(), "%s: IsActive()", what)
	assert.Equal(t, want.IsStaff(), got.IsStaff(), "%s: IsStaff()", what)
}

func testCreateUser[U ginjwt.User](t *testing.T, e *env[U]) {
	nu := e.newUser("Ada.Lovelace@Example.COM")
	u := e.createUser(nu)
	assert.True(t, u.IsActive(), "CreateUser stores a new, active user")
	assert.False(t, u.IsStaff(), "CreateUser stores a new, non-staff user")
	assert.Equal(t, nu.PasswordHash, u.HashedPassword(), "CreateUser stores the password hash as given")
	checkUserObject(t, u, &nu)

	found, err := e.users.FindUserByID(e.ctx, u.Subject())
	require.NoError(t, err, "FindUserByID(Subject()) must find the user CreateUser returned")
	checkUser(t, u, found, "FindUserByID after CreateUser")
	checkUserObject(t, found, &nu)
}

func testDistinctIDs[U ginjwt.User](t *testing.T, e *env[U]) {
	seen := map[string]bool{}
	for range 5 {
		id := e.user().Subject()
		assert.False(t, seen[id], "CreateUser must give every user its own id; %q was given twice", id)
		seen[id] = true
	}
}

func testFindByID[U ginjwt.User](t *testing.T, e *env[U]) {
	nus := []ginjwt.NewUser{e.newUser("first@example.com"), e.newUser("Second@Example.com"), e.newUser("third@example.org")}
	var users []U
	for _, nu := range nus {
		users = append(users, e.createUser(nu))
	}
	for i, u := range users {
		got, err := e.users.FindUserByID(e.ctx, u.Subject())
		require.NoError(t, err, "FindUserByID returns the user whose Subject() is id")
		checkUser(t, u, got, "FindUserByID")
		checkUserObject(t, got, &nus[i])
	}
}

func testFindByEmail[U ginjwt.User](t *testing.T, e *env[U]) {
	nu := e.newUser("Alice.Example@Example.COM")
	u := e.createUser(nu)
	otherNU := e.newUser("alice.example@example.org")
	other := e.createUser(otherNU)

	got, err := e.users.FindUserByEmail(e.ctx, "alice.example@example.com")
	require.NoError(t, err, "FindUserByEmail(normalised email) must find the user")
	checkUser(t, u, got, "FindUserByEmail")
	checkUserObject(t, got, &nu)

	got, err = e.users.FindUserByEmail(e.ctx, otherNU.NormalizedEmail)
	require.NoError(t, err, "FindUserByEmail(normalised email) must find the user")
	checkUser(t, other, got, "FindUserByEmail must return the user with that email, not another")
}

func testDuplicateEmail[U ginjwt.User](t *testing.T, e *env[U]) {
	first := e.newUser("bob@example.com")
	u := e.createUser(first)

	for _, email := range []string{"bob@example.com", "BOB@Example.com", "Bob@EXAMPLE.COM"} {
		nu := e.newUser(email) // same NormalizedEmail, other hash and names
		_, err := e.users.CreateUser(e.ctx, nu)
		assert.ErrorIs(t, err, ginjwt.ErrUserExists,
			"CreateUser(%q) must return ErrUserExists: its normalised email %q is taken", email, nu.NormalizedEmail)
	}

	got, err := e.users.FindUserByEmail(e.ctx, "bob@example.com")
	require.NoError(t, err)
	checkUser(t, u, got, "FindUserByEmail after rejected duplicates (the first user must be unchanged)")
	checkUserObject(t, got, &first)

	e.createUser(e.newUser("bob@example.org")) // another email is not a duplicate
}

func testSetPasswordHash[U ginjwt.User](t *testing.T, e *env[U]) {
	nu := e.newUser("carol@example.com")
	u := e.createUser(nu)
	other := e.user()
	assert.Zero(t, u.CredentialsVersion(), "a new user's CredentialsVersion is 0")

	for i, hash := range []string{fakeHash(), "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ""} {
		require.NoError(t, e.users.SetPasswordHash(e.ctx, u.Subject(), hash), "SetPasswordHash of an existing user must succeed")

		got, err := e.users.FindUserByID(e.ctx, u.Subject())
		require.NoError(t, err)
		assert.Equal(t, hash, got.HashedPassword(), "SetPasswordHash replaces the hash (also by \"\", which removes it: beware ORMs that skip zero values)")
		assert.True(t, got.IsActive(), "SetPasswordHash must not change IsActive()")
		assert.Equal(t, int64(i+1), got.CredentialsVersion(), "every SetPasswordHash increments CredentialsVersion by one, in the same write")
		require.NoError(t, e.users.RecordLogin(e.ctx, u.Subject(), e.base))
		got, err = e.users.FindUserByID(e.ctx, u.Subject())
		require.NoError(t, err)
		assert.Equal(t, int64(i+1), got.CredentialsVersion(), "RecordLogin leaves CredentialsVersion alone")

		got, err = e.users.FindUserByEmail(e.ctx, nu.NormalizedEmail)
		require.NoError(t, err)
		assert.Equal(t, hash, got.HashedPassword(), "FindUserByEmail after SetPasswordHash must see the new hash")
	}

	got, err := e.users.FindUserByID(e.ctx, other.Subject())
	require.NoError(t, err)
	checkUser(t, other, got, "SetPasswordHash must change only that user")

	err = e.users.SetPasswordHash(e.ctx, newSessionID(), fakeHash())
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "SetPasswordHash of an unknown id returns ErrUserNotFound")
}

func testRecordLogin[U ginjwt.User](t *testing.T, e *env[U]) {
	u := e.user()
	other := e.user()
	if at, ok := lastLogin(t, u); ok {
		assert.True(t, at.IsZero(), `a new user has no last_login (JSON null)`)
	}

	// The second time is in another zone: the store keeps the instant.
	for _, at := range []time.Time{e.at(-time.Minute), e.at(time.Hour).In(time.FixedZone("UTC+5", 5*3600))} {
		require.NoError(t, e.users.RecordLogin(e.ctx, u.Subject(), at), "RecordLogin of an existing user must succeed")

		got, err := e.users.FindUserByID(e.ctx, u.Subject())
		require.NoError(t, err)
		checkUser(t, u, got, "RecordLogin must change nothing but last_login")
		if stored, ok := lastLogin(t, got); ok {
			assert.True(t, at.Equal(stored), `RecordLogin stores the time of the sign-in: want JSON "last_login" %v, got %v`, at, stored)
		}
	}

	got, err := e.users.FindUserByID(e.ctx, other.Subject())
	require.NoError(t, err)
	if stored, ok := lastLogin(t, got); ok {
		assert.True(t, stored.IsZero(), "RecordLogin must change only that user")
	}

	err = e.users.RecordLogin(e.ctx, newSessionID(), e.base)
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "RecordLogin of an unknown id returns ErrUserNotFound")
}
