package storetest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// testEmptyEmail: a user without a normalised email is refused, since it
// would collide with every other one (or, with a store that skips empty
// values in its unique index, never collide at all).
func testCreateEmptyEmail[U ginjwt.User](t *testing.T, e *env[U]) {
	nu := e.newUser("someone@example.com")
	nu.NormalizedEmail = ""
	_, err := e.users.CreateUser(e.ctx, nu)
	require.Error(t, err, "CreateUser with an empty NormalizedEmail must fail")
	assert.ErrorIs(t, err, ginjwt.ErrEmptyEmail)
	_, err = e.users.FindUserByEmail(e.ctx, "")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "nothing was stored under the empty email")
}

// testCreateUserWith checks the optional ginjwt.UserCreator.
func testCreateUserWith[U ginjwt.User](t *testing.T, e *env[U]) {
	creator, ok := e.users.(ginjwt.UserCreator[U])
	if !ok {
		t.Skip("the store does not implement ginjwt.UserCreator (optional)")
	}
	nu := e.newUser("init@example.com")
	var seen U
	u, err := creator.CreateUserWith(e.ctx, nu, func(u *U) error {
		seen = *u
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, nu.PasswordHash, seen.HashedPassword(), "init sees the new user with the fields of nu set")
	assert.True(t, seen.IsActive(), "init sees an active user")
	got, err := e.users.FindUserByID(e.ctx, u.Subject())
	require.NoError(t, err)
	checkUser(t, u, got, "FindUserByID after CreateUserWith")

	stop := errors.New("the application refuses")
	nu = e.newUser("refused@example.com")
	_, err = creator.CreateUserWith(e.ctx, nu, func(*U) error { return stop })
	assert.ErrorIs(t, err, stop, "an error of init is returned as is")
	_, err = e.users.FindUserByEmail(e.ctx, nu.NormalizedEmail)
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "a user whose init failed is not stored")
}

// testSetUserActive checks the optional ginjwt.UserActivator.
func testSetUserActive[U ginjwt.User](t *testing.T, e *env[U]) {
	act, ok := e.users.(ginjwt.UserActivator)
	if !ok {
		t.Skip("the store does not implement ginjwt.UserActivator (optional)")
	}
	u, other := e.user(), e.user()
	require.NoError(t, act.SetUserActive(e.ctx, u.Subject(), false))
	got, err := e.users.FindUserByID(e.ctx, u.Subject())
	require.NoError(t, err)
	assert.False(t, got.IsActive(), "SetUserActive(false) deactivates (beware ORMs that skip false)")
	got, err = e.users.FindUserByID(e.ctx, other.Subject())
	require.NoError(t, err)
	assert.True(t, got.IsActive(), "only that user")
	require.NoError(t, act.SetUserActive(e.ctx, u.Subject(), true))
	got, err = e.users.FindUserByID(e.ctx, u.Subject())
	require.NoError(t, err)
	assert.True(t, got.IsActive())
	assert.ErrorIs(t, act.SetUserActive(e.ctx, newSessionID(), true), ginjwt.ErrUserNotFound)
}
