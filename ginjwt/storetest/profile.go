package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Profile updates: a store that implements ginjwt.ProfileUpdater changes
// the fields given, and nothing else, and keeps usernames unique.

func profileTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"UpdateProfile", testUpdateProfile[U]},
		{"UpdateProfileTakenUsername", testUpdateProfileTaken[U]},
		{"UpdateProfileRemovesUsername", testUpdateProfileRemove[U]},
		{"UpdateProfileUnknownUser", testUpdateProfileUnknown[U]},
		{"UpdateProfileSameUsername", testRaceUpdateProfile[U]},
	}
}

func (e *env[U]) updater() ginjwt.ProfileUpdater[U] {
	e.t.Helper()
	p, ok := e.users.(ginjwt.ProfileUpdater[U])
	if !ok {
		e.t.Skipf("%T does not implement ginjwt.ProfileUpdater", e.users)
	}
	return p
}

func ptr(s string) *string { return &s }

// usernameUpdate is the ProfileUpdate of a username typed as typed.
func usernameUpdate(typed string) ginjwt.ProfileUpdate {
	return ginjwt.ProfileUpdate{Username: ptr(typed), NormalizedUsername: ptr(ginjwt.NormalizeUsername(typed))}
}

// jsonField returns the string under key in u's JSON object, and whether
// the model has it.
func jsonField(t *testing.T, u any, key string) (string, bool) {
	t.Helper()
	_, obj := userObject(t, u)
	v, ok := obj[key].(string)
	return v, ok
}

func testUpdateProfile[U ginjwt.User](t *testing.T, e *env[U]) {
	p := e.updater()
	nu := withUsername(e.newUser(e.uniqueEmail()), "before")
	u := e.createUser(nu)
	got, err := p.UpdateProfile(e.ctx, u.Subject(), ginjwt.ProfileUpdate{
		Username: ptr("After"), NormalizedUsername: ptr("after"), FirstName: ptr("Ada"),
	})
	require.NoError(t, err)
	checkUser(t, u, got, "UpdateProfile changes no credential or flag")
	for key, want := range map[string]string{"username": "After", "first_name": "Ada", "last_name": nu.LastName, "email": nu.Email} {
		if v, ok := jsonField(t, got, key); ok {
			assert.Equal(t, want, v, "UpdateProfile returns the updated user (JSON %q); a nil field is left as it is", key)
		}
	}
	f := e.finder()
	found, err := f.FindUserByUsername(e.ctx, "after")
	require.NoError(t, err, "the new username is found")
	checkUser(t, u, found, "FindUserByUsername after UpdateProfile")
	_, err = f.FindUserByUsername(e.ctx, "before")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "the old username is gone")
	byEmail, err := e.users.FindUserByEmail(e.ctx, nu.NormalizedEmail)
	require.NoError(t, err, "the email is unchanged")
	checkUser(t, u, byEmail, "FindUserByEmail after UpdateProfile")
	if v, ok := jsonField(t, byEmail, "first_name"); ok {
		assert.Equal(t, "Ada", v, "UpdateProfile is stored")
	}
	got, err = p.UpdateProfile(e.ctx, u.Subject(), usernameUpdate("AFTER"))
	require.NoError(t, err, "a user may re-type its own username")
	checkUser(t, u, got, "UpdateProfile of one's own username")
}

func testUpdateProfileTaken[U ginjwt.User](t *testing.T, e *env[U]) {
	p := e.updater()
	e.createUser(withUsername(e.newUser(e.uniqueEmail()), "owner"))
	nu := withUsername(e.newUser(e.uniqueEmail()), "other")
	u := e.createUser(nu)
	_, err := p.UpdateProfile(e.ctx, u.Subject(), ginjwt.ProfileUpdate{
		Username: ptr("Owner"), NormalizedUsername: ptr("owner"), FirstName: ptr("Changed"),
	})
	require.ErrorIs(t, err, ginjwt.ErrUsernameTaken, "UpdateProfile to a taken username returns ErrUsernameTaken")
	got, err := e.finder().FindUserByUsername(e.ctx, "other")
	require.NoError(t, err, "a refused update changes nothing")
	if v, ok := jsonField(t, got, "first_name"); ok {
		assert.Equal(t, nu.FirstName, v, "a refused update changes nothing")
	}
}

func testUpdateProfileRemove[U ginjwt.User](t *testing.T, e *env[U]) {
	p := e.updater()
	var ids []string
	for i := range 3 {
		ids = append(ids, e.createUser(withUsername(e.newUser(e.uniqueEmail()), fmt.Sprintf("name%d", i))).Subject())
	}
	for _, id := range ids {
		_, err := p.UpdateProfile(e.ctx, id, usernameUpdate(""))
		require.NoError(t, err, "any number of users may give up their username")
	}
	_, err := e.finder().FindUserByUsername(e.ctx, "name0")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound)
	e.createUser(withUsername(e.newUser(e.uniqueEmail()), "name0"))
}

func testUpdateProfileUnknown[U ginjwt.User](t *testing.T, e *env[U]) {
	p := e.updater()
	for _, in := range append(unknownIDs(), malformed()...) {
		_, err := p.UpdateProfile(e.ctx, in.value, ginjwt.ProfileUpdate{FirstName: ptr("x")})
		assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "UpdateProfile(%s) of no user", in.name)
	}
}

func testRaceUpdateProfile[U ginjwt.User](t *testing.T, e *env[U]) {
	p := e.updater()
	const n = 8
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.user().Subject()
	}
	errs := make([]error, n)
	race(n, func(i int) { _, errs[i] = p.UpdateProfile(e.ctx, ids[i], usernameUpdate("prize")) })
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, ginjwt.ErrUsernameTaken, "racing updates to one username: every loser gets ErrUsernameTaken, got %v", err)
	}
	assert.Equal(t, 1, wins, "racing updates to one username: exactly one may succeed")
}
