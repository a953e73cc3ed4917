package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func persistenceTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"ReopenKeepsEverything", testReopen[U]},
	}
}

// testReopen fills the database, closes it and opens it again, as a
// restarted server would, and checks that the stores answer as before.
func testReopen[U ginjwt.User](t *testing.T, e *env[U]) {
	nu1, nu2 := e.newUser("Frank@Example.com"), e.newUser("grace@example.com")
	u1, u2 := e.createUser(nu1), e.createUser(nu2)
	newHashValue := fakeHash()
	require.NoError(t, e.users.SetPasswordHash(e.ctx, u2.Subject(), newHashValue))
	loginAt := e.at(-time.Minute)
	require.NoError(t, e.users.RecordLogin(e.ctx, u1.Subject(), loginAt))

	// rotated: h0 spent at spentAt, h1 live, plus a sibling.
	rotated, h0 := e.liveSession(u1.Subject())
	spentAt := e.at(time.Minute)
	h1, rotated := e.rotate(h0, spentAt, e.at(24*time.Hour))
	sibling := newHash()
	require.NoError(t, e.sessions.AddRefreshToken(e.ctx, rotated.ID, sibling, e.at(2*time.Minute)))
	revoked, revokedHash := e.liveSession(u1.Subject())
	require.NoError(t, e.sessions.RevokeSession(e.ctx, revoked.ID, e.at(3*time.Minute)))
	revoked.RevokedAt = e.at(3 * time.Minute)
	other := e.newSession(u2.Subject(), e.at(-time.Hour), 48*time.Hour)
	e.createSession(other)

	e.restart()

	for _, c := range []struct {
		u  U
		nu ginjwt.NewUser
	}{{u1, nu1}, {u2, nu2}} {
		byID, err := e.users.FindUserByID(e.ctx, c.u.Subject())
		require.NoError(t, err, "after Close and Open, users must still be findable by id")
		byEmail, err := e.users.FindUserByEmail(e.ctx, c.nu.NormalizedEmail)
		require.NoError(t, err, "after Close and Open, users must still be findable by email")
		assert.Equal(t, c.u.Subject(), byEmail.Subject(), "after Close and Open, FindUserByEmail")
		checkUserObject(t, byID, &c.nu)
	}
	got, err := e.users.FindUserByID(e.ctx, u2.Subject())
	require.NoError(t, err)
	assert.Equal(t, newHashValue, got.HashedPassword(), "after Close and Open, the password hash set by SetPasswordHash is kept")
	got, err = e.users.FindUserByID(e.ctx, u1.Subject())
	require.NoError(t, err)
	if at, ok := lastLogin(t, got); ok {
		assert.True(t, loginAt.Equal(at), "after Close and Open, last_login is kept: want %v, got %v", loginAt, at)
	}
	_, err = e.users.CreateUser(e.ctx, e.newUser("FRANK@example.com"))
	assert.ErrorIs(t, err, ginjwt.ErrUserExists, "after Close and Open, a taken normalised email still gives ErrUserExists (the uniqueness must live in the database)")

	assertSession(t, rotated, e.session(rotated.ID), "after Close and Open, a rotated session")
	assertSession(t, revoked, e.session(revoked.ID), "after Close and Open, a revoked session")
	assertSession(t, other, e.session(other.ID), "after Close and Open, a session")

	list, err := e.sessions.ListSessions(e.ctx, u1.Subject(), e.at(4*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []string{rotated.ID}, sessionIDs(list), "after Close and Open, ListSessions")

	_, err = e.sessions.RotateRefreshToken(e.ctx, h0, newHash(), e.at(5*time.Minute), e.at(25*time.Hour))
	requireReuse(t, err, rotated, spentAt, "after Close and Open, a spent token is still reported as reused")
	_, err = e.sessions.RotateRefreshToken(e.ctx, revokedHash, newHash(), e.at(5*time.Minute), e.at(25*time.Hour))
	assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "after Close and Open, a revoked session stays revoked")
	e.rotate(h1, e.at(6*time.Minute), e.at(25*time.Hour))
	e.rotate(sibling, e.at(7*time.Minute), e.at(25*time.Hour))

	e.restart() // and once more, after writes on the reopened database
	_, err = e.sessions.RotateRefreshToken(e.ctx, h1, newHash(), e.at(8*time.Minute), e.at(25*time.Hour))
	requireReuse(t, err, rotated, e.at(6*time.Minute), "after a second Close and Open, the token spent after the first is reported as reused")
}
