package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func refreshTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"RotateUpdatesSession", testRotate[U]},
		{"RotateChain", testRotateChain[U]},
		{"ReuseOfSpentToken", testReuse[U]},
		{"RotateUnknownHash", testRotateUnknown[U]},
		{"RotateRevokedSession", testRotateRevoked[U]},
		{"RotateExpiredSession", testRotateExpired[U]},
		{"RotateExtendsExpiry", testRotateExtends[U]},
		{"AddRefreshToken", testAddRefreshToken[U]},
		{"AddRefreshTokenNotLive", testAddNotLive[U]},
	}
}

// requireReuse checks that err reports the reuse of a token of session s
// spent at spentAt, and returns the *ginjwt.ReuseError.
func requireReuse(t *testing.T, err error, s ginjwt.Session, spentAt time.Time, what string) *ginjwt.ReuseError {
	t.Helper()
	require.Error(t, err, "%s: a spent token of a live session must not rotate again; want a *ginjwt.ReuseError", what)
	assert.ErrorIs(t, err, ginjwt.ErrRefreshTokenReused, "%s: a spent token of a live session gives a *ginjwt.ReuseError (errors.Is ErrRefreshTokenReused)", what)
	assert.NotErrorIs(t, err, ginjwt.ErrSessionNotFound, "%s: a spent token of a live session is reuse, not ErrSessionNotFound", what)
	var re *ginjwt.ReuseError
	require.True(t, errors.As(err, &re), "%s: errors.As(err, *ginjwt.ReuseError) must hold, got %T: %v", what, err, err)
	require.NotNil(t, re, "%s: the *ReuseError must not be nil", what)
	assert.Equal(t, s.ID, re.Session.ID, "%s: ReuseError.Session is the session the token belongs to", what)
	assert.Equal(t, s.UserID, re.Session.UserID, "%s: ReuseError.Session.UserID", what)
	assertTime(t, s.CreatedAt, re.Session.CreatedAt, what+": ReuseError.Session.CreatedAt")
	assert.True(t, re.Session.RevokedAt.IsZero(), "%s: reuse is reported only for a live session; the store must not revoke it (the caller decides)", what)
	assertTime(t, spentAt, re.SpentAt, what+": ReuseError.SpentAt is when the token was spent")
	return re
}

func testRotate[U ginjwt.User](t *testing.T, e *env[U]) {
	s, h0 := e.liveSession(e.user().Subject())
	now, exp := e.at(10*time.Minute), e.at(10*time.Minute+24*time.Hour)

	h1, got := e.rotate(h0, now, exp)
	want := s
	want.LastUsedAt, want.ExpiresAt = now, exp
	assertSession(t, want, got, "RotateRefreshToken returns the updated session: LastUsedAt = now, ExpiresAt = expiresAt, the rest unchanged")
	assertSession(t, want, e.session(s.ID), "Session(id) after RotateRefreshToken shows the updated session")

	_, got = e.rotate(h1, e.at(20*time.Minute), e.at(20*time.Minute+24*time.Hour))
	assert.Equal(t, s.ID, got.ID, "the new hash is a live refresh token of the same session")
}

func testRotateChain[U ginjwt.User](t *testing.T, e *env[U]) {
	s, h := e.liveSession(e.user().Subject())
	var spent []string
	var spentAt []time.Time
	for i := range 4 {
		now := e.at(time.Duration(i+1) * time.Minute)
		next, _ := e.rotate(h, now, now.Add(24*time.Hour))
		spent, spentAt = append(spent, h), append(spentAt, now)
		h = next
	}
	for i, old := range spent {
		_, err := e.sessions.RotateRefreshToken(e.ctx, old, newHash(), e.at(time.Hour), e.at(25*time.Hour))
		requireReuse(t, err, s, spentAt[i], "an earlier token of the chain")
	}
	e.rotate(h, e.at(time.Hour), e.at(25*time.Hour)) // the newest token still rotates
}

func testReuse[U ginjwt.User](t *testing.T, e *env[U]) {
	s, h0 := e.liveSession(e.user().Subject())
	spentAt := e.at(time.Minute)
	h1, rotated := e.rotate(h0, spentAt, e.at(24*time.Hour))

	stray := newHash()
	_, err := e.sessions.RotateRefreshToken(e.ctx, h0, stray, e.at(2*time.Minute), e.at(48*time.Hour))
	requireReuse(t, err, s, spentAt, "rotating a spent token")

	assertSession(t, rotated, e.session(s.ID), "on reuse nothing changes: not LastUsedAt, not ExpiresAt, not RevokedAt")
	_, err = e.sessions.RotateRefreshToken(e.ctx, stray, newHash(), e.at(3*time.Minute), e.at(48*time.Hour))
	assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "on reuse nothing changes: the new hash passed with a spent token must not become a refresh token")

	_, err = e.sessions.RotateRefreshToken(e.ctx, h0, newHash(), e.at(4*time.Minute), e.at(48*time.Hour))
	requireReuse(t, err, s, spentAt, "rotating a spent token a second time (SpentAt is still the first spending)")
	e.rotate(h1, e.at(5*time.Minute), e.at(48*time.Hour)) // the live token still rotates
}

func testRotateUnknown[U ginjwt.User](t *testing.T, e *env[U]) {
	s, h := e.liveSession(e.user().Subject())
	hashes := append(malformed(), input{"unknown", newHash()}, input{"session id", s.ID}, input{"hash prefix", h[:32]})
	for _, in := range hashes {
		_, err := e.sessions.RotateRefreshToken(e.ctx, in.value, newHash(), e.at(time.Minute), e.at(time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "RotateRefreshToken(%s): an unknown hash returns ErrSessionNotFound", in.name)
	}
	assertSession(t, s, e.session(s.ID), "rotating unknown hashes must not change any session")
	e.rotate(h, e.at(time.Minute), e.at(time.Hour))
}

func testRotateRevoked[U ginjwt.User](t *testing.T, e *env[U]) {
	s, h0 := e.liveSession(e.user().Subject())
	h1, _ := e.rotate(h0, e.at(time.Minute), e.at(24*time.Hour))
	require.NoError(t, e.sessions.RevokeSession(e.ctx, s.ID, e.at(2*time.Minute)))

	for name, h := range map[string]string{"live": h1, "spent": h0} {
		_, err := e.sessions.RotateRefreshToken(e.ctx, h, newHash(), e.at(3*time.Minute), e.at(24*time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "a %s token of a revoked session returns ErrSessionNotFound", name)
		assert.NotErrorIs(t, err, ginjwt.ErrRefreshTokenReused, "a %s token of a revoked session is not reported as reuse", name)
	}
}

func testRotateExpired[U ginjwt.User](t *testing.T, e *env[U]) {
	s := e.newSession(e.user().Subject(), e.base, time.Hour)
	h0 := e.createSession(s)
	h1, _ := e.rotate(h0, e.at(time.Minute), e.at(time.Hour)) // ExpiresAt stays base+1h

	cases := []struct {
		name string
		hash string
		now  time.Time
	}{
		{"live token when now equals ExpiresAt", h1, e.at(time.Hour)},
		{"live token after ExpiresAt", h1, e.at(2 * time.Hour)},
		{"spent token after ExpiresAt", h0, e.at(2 * time.Hour)},
	}
	for _, c := range cases {
		_, err := e.sessions.RotateRefreshToken(e.ctx, c.hash, newHash(), c.now, c.now.Add(time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "%s: the session has expired (ginjwt.Session.Live), so ErrSessionNotFound", c.name)
		assert.NotErrorIs(t, err, ginjwt.ErrRefreshTokenReused, "%s: not reported as reuse", c.name)
	}
	assertTime(t, e.at(time.Hour), e.session(s.ID).ExpiresAt, "a failed rotation must not extend an expired session")

	e.rotate(h1, e.at(time.Hour-time.Millisecond), e.at(2*time.Hour)) // live until the last millisecond
}

func testRotateExtends[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	s := e.newSession(uid, e.base, time.Hour)
	h0 := e.createSession(s)
	h1, _ := e.rotate(h0, e.at(30*time.Minute), e.at(2*time.Hour))

	now := e.at(90 * time.Minute) // past the first ExpiresAt, before the second
	list, err := e.sessions.ListSessions(e.ctx, uid, now)
	require.NoError(t, err)
	assert.Equal(t, []string{s.ID}, sessionIDs(list), "RotateRefreshToken moves ExpiresAt: the session is live until the new one")
	e.rotate(h1, now, e.at(3*time.Hour))
}

func testAddRefreshToken[U ginjwt.User](t *testing.T, e *env[U]) {
	s, h0 := e.liveSession(e.user().Subject())
	h1, _ := e.rotate(h0, e.at(time.Minute), e.at(24*time.Hour))

	sibling := newHash()
	require.NoError(t, e.sessions.AddRefreshToken(e.ctx, s.ID, sibling, e.at(2*time.Minute)),
		"AddRefreshToken of a live session must succeed")

	siblingNext, got := e.rotate(sibling, e.at(3*time.Minute), e.at(25*time.Hour))
	assert.Equal(t, s.ID, got.ID, "a sibling token belongs to the same session")
	_, got = e.rotate(h1, e.at(4*time.Minute), e.at(26*time.Hour))
	assert.Equal(t, s.ID, got.ID, "rotating a sibling must not spend the other live tokens: siblings rotate independently")
	e.rotate(siblingNext, e.at(5*time.Minute), e.at(27*time.Hour))

	_, err := e.sessions.RotateRefreshToken(e.ctx, sibling, newHash(), e.at(6*time.Minute), e.at(28*time.Hour))
	requireReuse(t, err, s, e.at(3*time.Minute), "rotating a spent sibling")
}

func testAddNotLive[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	revoked, _ := e.liveSession(uid)
	require.NoError(t, e.sessions.RevokeSession(e.ctx, revoked.ID, e.at(time.Minute)))
	expired := e.newSession(uid, e.at(-2*time.Hour), time.Hour)
	e.createSession(expired)
	boundary := e.newSession(uid, e.at(-time.Hour), time.Hour) // ExpiresAt == now
	e.createSession(boundary)

	type addCase struct {
		name string
		id   string
		now  time.Time
	}
	cases := []addCase{
		{"unknown", newSessionID(), e.at(2 * time.Minute)},
		{"revoked", revoked.ID, e.at(2 * time.Minute)},
		{"expired", expired.ID, e.at(2 * time.Minute)},
		{"expiring now", boundary.ID, e.base},
	}
	for _, in := range malformed() {
		cases = append(cases, addCase{in.name, in.value, e.at(2 * time.Minute)})
	}
	for _, c := range cases {
		h := newHash()
		err := e.sessions.AddRefreshToken(e.ctx, c.id, h, c.now)
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "AddRefreshToken(%s) returns ErrSessionNotFound: only a live session gets another token", c.name)
		_, err = e.sessions.RotateRefreshToken(e.ctx, h, newHash(), c.now, c.now.Add(time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "AddRefreshToken(%s) failed, so its hash must not rotate", c.name)
	}
}
