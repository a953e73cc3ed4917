package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func contextTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"Cancelled", func(t *testing.T, e *env[U]) {
			ctx, cancel := context.WithCancel(e.ctx)
			cancel()
			testDeadContext(t, e, ctx)
		}},
		{"DeadlinePassed", func(t *testing.T, e *env[U]) {
			ctx, cancel := context.WithDeadline(e.ctx, time.Now().Add(-time.Second))
			defer cancel()
			testDeadContext(t, e, ctx)
		}},
	}
}

// sentinels are the errors that tell the caller something about the data;
// a store that cannot answer must return none of them.
var sentinels = []error{ginjwt.ErrUserNotFound, ginjwt.ErrUserExists, ginjwt.ErrSessionNotFound, ginjwt.ErrRefreshTokenReused}

// assertUnavailable checks that err reports a failure, not an answer.
func assertUnavailable(t *testing.T, err error, op string) {
	t.Helper()
	if !assert.Error(t, err, "%s with a cancelled or expired context must fail: stores honour the context's deadline", op) {
		return
	}
	for _, s := range sentinels {
		assert.NotErrorIs(t, err, s, "%s with a dead context: the error must not be a ginjwt sentinel, which would be an answer about the data", op)
	}
}

// testDeadContext checks that every operation fails with ctx, which is
// done, and changes nothing.
func testDeadContext[U ginjwt.User](t *testing.T, e *env[U], ctx context.Context) {
	u := e.user()
	s, h := e.liveSession(u.Subject())

	_, err := e.users.FindUserByID(ctx, u.Subject())
	assertUnavailable(t, err, "FindUserByID")
	nu := e.newUser(e.uniqueEmail())
	_, err = e.users.CreateUser(ctx, nu)
	assertUnavailable(t, err, "CreateUser")
	_, err = e.users.FindUserByEmail(e.ctx, nu.NormalizedEmail)
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "a CreateUser that failed on a dead context must not have stored the user")
	assertUnavailable(t, e.users.SetPasswordHash(ctx, u.Subject(), fakeHash()), "SetPasswordHash")

	_, err = e.sessions.RotateRefreshToken(ctx, h, newHash(), e.at(time.Minute), e.at(time.Hour))
	assertUnavailable(t, err, "RotateRefreshToken")
	_, err = e.sessions.Session(ctx, s.ID)
	assertUnavailable(t, err, "Session")
	assertUnavailable(t, e.sessions.RevokeSession(ctx, s.ID, e.at(time.Minute)), "RevokeSession")
	_, err = e.sessions.ListSessions(ctx, u.Subject(), e.base)
	assertUnavailable(t, err, "ListSessions")

	got, err := e.users.FindUserByID(e.ctx, u.Subject())
	if assert.NoError(t, err) {
		checkUser(t, u, got, "operations that failed on a dead context must not change the user")
	}
	assertSession(t, s, e.session(s.ID), "operations that failed on a dead context must not change the session")
	e.rotate(h, e.at(time.Minute), e.at(time.Hour)) // the token was not spent
}
