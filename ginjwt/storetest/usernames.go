package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Usernames: a store that implements ginjwt.UsernameFinder keeps
// NewUser.NormalizedUsername unique among users that have one, any number
// of users have none, and look-ups compare the normalised form exactly.

func usernameTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"FindByUsername", testFindByUsername[U]},
		{"DuplicateUsername", testDuplicateUsername[U]},
		{"ManyWithoutUsername", testManyWithoutUsername[U]},
		{"MalformedUsernames", testMalformedUsernames[U]},
		{"CreateSameUsername", testRaceCreateSameUsername[U]},
	}
}

// finder returns the store's UsernameFinder, or skips a store without one.
func (e *env[U]) finder() ginjwt.UsernameFinder[U] {
	e.t.Helper()
	f, ok := e.users.(ginjwt.UsernameFinder[U])
	if !ok {
		e.t.Skipf("%T does not implement ginjwt.UsernameFinder", e.users)
	}
	return f
}

// withUsername returns nu with a username typed as typed, normalised as
// ginjwt does.
func withUsername(nu ginjwt.NewUser, typed string) ginjwt.NewUser {
	nu.Username = typed
	nu.NormalizedUsername = ginjwt.NormalizeUsername(typed)
	return nu
}

func testFindByUsername[U ginjwt.User](t *testing.T, e *env[U]) {
	f := e.finder()
	nu := withUsername(e.newUser(e.uniqueEmail()), "Ada.Lovelace")
	u := e.createUser(nu)
	other := e.createUser(withUsername(e.newUser(e.uniqueEmail()), "ada.lovelace2"))
	checkUserObject(t, u, &nu)

	got, err := f.FindUserByUsername(e.ctx, "ada.lovelace")
	require.NoError(t, err, "FindUserByUsername finds the user by its normalised username")
	checkUser(t, u, got, "FindUserByUsername")
	got, err = f.FindUserByUsername(e.ctx, "ada.lovelace2")
	require.NoError(t, err)
	checkUser(t, other, got, "FindUserByUsername of another user")

	for _, q := range []string{"Ada.Lovelace", "ada", "ada.lovelac", "ada.lovelace "} {
		_, err := f.FindUserByUsername(e.ctx, q)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "FindUserByUsername(%q) compares the normalised form exactly", q)
	}
	e.restart()
	got, err = e.users.(ginjwt.UsernameFinder[U]).FindUserByUsername(e.ctx, "ada.lovelace")
	require.NoError(t, err, "usernames persist")
	checkUser(t, u, got, "FindUserByUsername after a restart")
}

func testDuplicateUsername[U ginjwt.User](t *testing.T, e *env[U]) {
	f := e.finder()
	first := e.createUser(withUsername(e.newUser(e.uniqueEmail()), "grace"))
	for _, typed := range []string{"grace", "GRACE", " Grace "} {
		nu := withUsername(e.newUser(e.uniqueEmail()), typed)
		_, err := e.users.CreateUser(e.ctx, nu)
		require.ErrorIs(t, err, ginjwt.ErrUsernameTaken, "CreateUser of a taken normalised username (%q) returns ErrUsernameTaken", typed)
		assert.ErrorIs(t, err, ginjwt.ErrUserExists, "ErrUsernameTaken matches ErrUserExists")
		_, err = e.users.FindUserByEmail(e.ctx, nu.NormalizedEmail)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "a refused CreateUser stores nothing")
	}
	if c, ok := e.users.(ginjwt.UserCreator[U]); ok {
		_, err := c.CreateUserWith(e.ctx, withUsername(e.newUser(e.uniqueEmail()), "grace"), func(*U) error { return nil })
		assert.ErrorIs(t, err, ginjwt.ErrUsernameTaken, "CreateUserWith keeps usernames unique too")
	}
	// An email conflict is not a username conflict.
	dup := withUsername(e.newUser(e.uniqueEmail()), "fresh-name")
	e.createUser(dup)
	again := withUsername(e.newUser(dup.Email), "another-name")
	_, err := e.users.CreateUser(e.ctx, again)
	require.ErrorIs(t, err, ginjwt.ErrUserExists)
	assert.NotErrorIs(t, err, ginjwt.ErrUsernameTaken, "a taken email with a free username is not ErrUsernameTaken")
	_, err = f.FindUserByUsername(e.ctx, "another-name")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "a refused CreateUser stores nothing")

	got, err := f.FindUserByUsername(e.ctx, "grace")
	require.NoError(t, err)
	checkUser(t, first, got, "the first owner keeps the username")
}

func testManyWithoutUsername[U ginjwt.User](t *testing.T, e *env[U]) {
	f := e.finder()
	for range 3 {
		nu := e.newUser(e.uniqueEmail())
		nu.Username, nu.NormalizedUsername = "", ""
		e.createUser(nu)
	}
	nu := e.newUser(e.uniqueEmail())
	nu.NormalizedUsername = "" // a display username that is not unique
	e.createUser(nu)
	e.createUser(nu2(e, nu))
	_, err := f.FindUserByUsername(e.ctx, "")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "no user is found by the empty username, however many have none")
	withName := e.createUser(withUsername(e.newUser(e.uniqueEmail()), "x"))
	got, err := f.FindUserByUsername(e.ctx, "x")
	require.NoError(t, err)
	checkUser(t, withName, got, "users without a username do not hide one with")
}

// nu2 is another signup with nu's (non-unique) typed username.
func nu2[U ginjwt.User](e *env[U], nu ginjwt.NewUser) ginjwt.NewUser {
	other := e.newUser(e.uniqueEmail())
	other.Username = nu.Username
	return other
}

func testMalformedUsernames[U ginjwt.User](t *testing.T, e *env[U]) {
	f := e.finder()
	e.createUser(withUsername(e.newUser(e.uniqueEmail()), "someone"))
	for _, in := range malformed() {
		_, err := f.FindUserByUsername(e.ctx, in.value)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "FindUserByUsername(%s) must be not found", in.name)
	}
}

func testRaceCreateSameUsername[U ginjwt.User](t *testing.T, e *env[U]) {
	e.finder()
	const n = 10
	nus := make([]ginjwt.NewUser, n)
	for i := range nus {
		nus[i] = withUsername(e.newUser(fmt.Sprintf("racer%d@example.com", i)), "racer")
	}
	errs := make([]error, n)
	race(n, func(i int) { _, errs[i] = e.users.CreateUser(e.ctx, nus[i]) })
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, ginjwt.ErrUsernameTaken, "racing CreateUser of one username: every loser gets ErrUsernameTaken, got %v", err)
	}
	assert.Equal(t, 1, wins, "racing CreateUser of one username: exactly one may succeed")
}
