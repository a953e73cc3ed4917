package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// testSwapPasswordHash checks the optional ginjwt.PasswordHashSwapper.
func testSwapPasswordHash[U ginjwt.User](t *testing.T, e *env[U]) {
	swapper, ok := e.users.(ginjwt.PasswordHashSwapper)
	if !ok {
		t.Skip("the store does not implement ginjwt.PasswordHashSwapper (optional)")
	}
	u := e.user()
	old := u.HashedPassword()

	swapped, err := swapper.SwapPasswordHash(e.ctx, u.Subject(), "not the current hash", "$new-1")
	require.NoError(t, err)
	assert.False(t, swapped, "SwapPasswordHash must not replace a hash that is not oldHash")
	got, err := e.users.FindUserByID(e.ctx, u.Subject())
	require.NoError(t, err)
	assert.Equal(t, old, got.HashedPassword(), "a refused swap changes nothing")

	swapped, err = swapper.SwapPasswordHash(e.ctx, u.Subject(), old, "$new-2")
	require.NoError(t, err)
	assert.True(t, swapped, "SwapPasswordHash replaces the hash while it equals oldHash")
	got, err = e.users.FindUserByID(e.ctx, u.Subject())
	require.NoError(t, err)
	assert.Equal(t, "$new-2", got.HashedPassword())
	assert.Equal(t, u.CredentialsVersion(), got.CredentialsVersion(), "a hash upgrade keeps the password: CredentialsVersion must not move")

	swapped, err = swapper.SwapPasswordHash(e.ctx, u.Subject(), old, "$new-3")
	require.NoError(t, err)
	assert.False(t, swapped, "the old hash no longer matches after a swap")

	for _, in := range malformed() {
		id := in.value
		swapped, err := swapper.SwapPasswordHash(e.ctx, id, old, "$new-4")
		assert.NoError(t, err, "SwapPasswordHash(%q): an unknown id is (false, nil)", id)
		assert.False(t, swapped)
	}
}
