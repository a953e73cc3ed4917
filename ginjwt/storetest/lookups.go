package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func lookupTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"UnknownIDs", testUnknownIDs[U]},
		{"UnknownEmails", testUnknownEmails[U]},
		{"EmptyEmailNeverMatches", testEmptyEmail[U]},
		{"EmailLookupIsExact", testEmailLookupExact[U]},
	}
}

// someUsers fills the database so that a look-up that matches too much
// returns a user instead of ErrUserNotFound.
func someUsers[U ginjwt.User](e *env[U]) []U {
	e.t.Helper()
	return []U{e.user(), e.user(), e.user()}
}

// checkUsersIntact checks that users are still stored unchanged.
func checkUsersIntact[U ginjwt.User](t *testing.T, e *env[U], users []U, after string) {
	t.Helper()
	for _, u := range users {
		got, err := e.users.FindUserByID(e.ctx, u.Subject())
		require.NoError(t, err, "after %s, the existing users must still be there", after)
		checkUser(t, u, got, "after "+after)
	}
}

func testUnknownIDs[U ginjwt.User](t *testing.T, e *env[U]) {
	users := someUsers(e)
	ids := append(unknownIDs(), malformed()...)
	id := users[0].Subject()
	ids = append(ids,
		input{"existing id with a leading space", " " + id},
		input{"existing id with a trailing newline", id + "\n"},
		input{"existing id with a leading zero", "0" + id},
		input{"existing id with a plus sign", "+" + id},
	)

	for _, in := range ids {
		_, err := e.users.FindUserByID(e.ctx, in.value)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound,
			"FindUserByID(%s): an id that is no user's Subject() is not found; a malformed id is simply not found, never another error", in.name)
		err = e.users.SetPasswordHash(e.ctx, in.value, fakeHash())
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "SetPasswordHash(%s) returns ErrUserNotFound", in.name)
		err = e.users.RecordLogin(e.ctx, in.value, e.base)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "RecordLogin(%s) returns ErrUserNotFound", in.name)
	}
	checkUsersIntact(t, e, users, "look-ups and updates of unknown ids")
}

func testUnknownEmails[U ginjwt.User](t *testing.T, e *env[U]) {
	users := someUsers(e)
	emails := append(malformed(), input{"unknown", "nobody@example.com"})
	for _, in := range emails {
		_, err := e.users.FindUserByEmail(e.ctx, in.value)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound,
			"FindUserByEmail(%s): an email that is no user's normalised email is not found, never another error", in.name)
	}
	checkUsersIntact(t, e, users, "look-ups of unknown emails")
}

func testEmptyEmail[U ginjwt.User](t *testing.T, e *env[U]) {
	someUsers(e)
	_, err := e.users.FindUserByEmail(e.ctx, "")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound,
		`FindUserByEmail("") must never match a user (with GORM, Where(&User{Email: ""}) drops the zero value and matches every row)`)
}

func testEmailLookupExact[U ginjwt.User](t *testing.T, e *env[U]) {
	nu := e.newUser("Dave.Smith@Example.COM")
	e.createUser(nu)
	for _, email := range []string{nu.Email, "DAVE.SMITH@EXAMPLE.COM", " " + nu.NormalizedEmail, nu.NormalizedEmail + " ", "dave.smith@example.co", "ave.smith@example.com"} {
		_, err := e.users.FindUserByEmail(e.ctx, email)
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound,
			"FindUserByEmail(%q) must not find the user whose normalised email is %q: it compares exactly (normalising is the caller's job; no case-insensitive or pattern matching)", email, nu.NormalizedEmail)
	}
}
