package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func revocationTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"RevokeSession", testRevokeSession[U]},
		{"RevokeSessionNotLive", testRevokeNotLive[U]},
		{"RevokeUserSessions", testRevokeUserSessions[U]},
		{"PurgeExpired", testPurgeExpired[U]},
		{"PurgeExpiredDeletesRefreshHashes", testPurgeDeletesHashes[U]},
	}
}

func testRevokeSession[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	s, h := e.liveSession(uid)
	other, otherHash := e.liveSession(uid)
	revokedAt := e.at(time.Minute)

	require.NoError(t, e.sessions.RevokeSession(e.ctx, s.ID, revokedAt), "RevokeSession of a live session must succeed")
	want := s
	want.RevokedAt = revokedAt
	assertSession(t, want, e.session(s.ID), "Session(id) of a revoked session returns it with RevokedAt set to the revocation time")

	list, err := e.sessions.ListSessions(e.ctx, uid, e.at(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []string{other.ID}, sessionIDs(list), "a revoked session is no longer live; the user's other sessions are")

	err = e.sessions.RevokeSession(e.ctx, s.ID, e.at(2*time.Minute))
	assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "revoking a session twice: the second RevokeSession returns ErrSessionNotFound (no longer live)")
	assertTime(t, revokedAt, e.session(s.ID).RevokedAt, "a second RevokeSession must not move RevokedAt")

	_, err = e.sessions.RotateRefreshToken(e.ctx, h, newHash(), e.at(3*time.Minute), e.at(24*time.Hour))
	assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "the refresh token of a revoked session no longer rotates: ErrSessionNotFound")
	e.rotate(otherHash, e.at(3*time.Minute), e.at(24*time.Hour)) // the other session is untouched
}

func testRevokeNotLive[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	expired := e.newSession(uid, e.at(-2*time.Hour), time.Hour)
	e.createSession(expired)
	live, _ := e.liveSession(uid)

	ids := append(malformed(), input{"unknown", newSessionID()}, input{"expired", expired.ID})
	for _, in := range ids {
		err := e.sessions.RevokeSession(e.ctx, in.value, e.base)
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "RevokeSession(%s) returns ErrSessionNotFound: the session does not exist or is no longer live", in.name)
	}
	assertSession(t, expired, e.session(expired.ID), "RevokeSession of an expired session must not change it")
	assertSession(t, live, e.session(live.ID), "RevokeSession of other ids must not touch a live session")
}

func testRevokeUserSessions[U ginjwt.User](t *testing.T, e *env[U]) {
	alice, bob := e.user().Subject(), e.user().Subject()
	var alices []ginjwt.Session
	var hashes []string
	for range 3 {
		s, h := e.liveSession(alice)
		alices = append(alices, s)
		hashes = append(hashes, h)
	}
	earlier, _ := e.liveSession(alice)
	earlierAt := e.at(time.Minute)
	require.NoError(t, e.sessions.RevokeSession(e.ctx, earlier.ID, earlierAt))
	expired := e.newSession(alice, e.at(-2*time.Hour), time.Hour)
	e.createSession(expired)
	bob1, bobHash := e.liveSession(bob)
	bob2, _ := e.liveSession(bob)

	now := e.at(5 * time.Minute)
	n, err := e.sessions.RevokeUserSessions(e.ctx, alice, now)
	require.NoError(t, err, "RevokeUserSessions must succeed")
	assert.Equal(t, 3, n, "RevokeUserSessions returns how many live sessions it revoked (not the revoked or expired ones)")

	for _, s := range alices {
		assertTime(t, now, e.session(s.ID).RevokedAt, "RevokeUserSessions revokes every live session of the user at now")
	}
	assertTime(t, earlierAt, e.session(earlier.ID).RevokedAt, "RevokeUserSessions must not move RevokedAt of an already revoked session")
	assertSession(t, expired, e.session(expired.ID), "RevokeUserSessions must not touch an expired session (it is not live)")
	for _, h := range hashes {
		_, err := e.sessions.RotateRefreshToken(e.ctx, h, newHash(), e.at(6*time.Minute), e.at(24*time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "the refresh tokens of revoked sessions no longer rotate")
	}

	list, err := e.sessions.ListSessions(e.ctx, alice, now)
	require.NoError(t, err)
	assert.Empty(t, list, "after RevokeUserSessions the user has no live session")
	list, err = e.sessions.ListSessions(e.ctx, bob, now)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{bob1.ID, bob2.ID}, sessionIDs(list), "RevokeUserSessions leaves other users' sessions alone")
	e.rotate(bobHash, e.at(6*time.Minute), e.at(24*time.Hour))

	n, err = e.sessions.RevokeUserSessions(e.ctx, alice, e.at(7*time.Minute))
	require.NoError(t, err)
	assert.Zero(t, n, "a second RevokeUserSessions finds no live session to revoke")
}

func testPurgeExpired[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	now := e.base

	live, liveHash := e.liveSession(uid)
	revokedLive, _ := e.liveSession(uid)
	require.NoError(t, e.sessions.RevokeSession(e.ctx, revokedLive.ID, e.at(-time.Minute)))
	revokedLive.RevokedAt = e.at(-time.Minute)

	// An expired session with a spent and a live refresh token.
	expired := e.newSession(uid, e.at(-3*time.Hour), 2*time.Hour) // expired an hour ago
	spent := e.createSession(expired)
	current, _ := e.rotate(spent, e.at(-150*time.Minute), e.at(-time.Hour))
	// An expired session that was also revoked.
	expiredRevoked := e.newSession(uid, e.at(-3*time.Hour), 2*time.Hour)
	e.createSession(expiredRevoked)
	require.NoError(t, e.sessions.RevokeSession(e.ctx, expiredRevoked.ID, e.at(-2*time.Hour)))

	n, err := e.sessions.PurgeExpired(e.ctx, now)
	require.NoError(t, err, "PurgeExpired must succeed")
	assert.Equal(t, 2, n, "PurgeExpired returns how many sessions it deleted: those expired before now, revoked or not")

	for _, id := range []string{expired.ID, expiredRevoked.ID} {
		_, err := e.sessions.Session(e.ctx, id)
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "after PurgeExpired, Session(id) of an expired session returns ErrSessionNotFound")
	}
	for _, h := range []string{spent, current} {
		_, err := e.sessions.RotateRefreshToken(e.ctx, h, newHash(), now, e.at(time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "after PurgeExpired, the refresh tokens of deleted sessions, spent or not, are unknown: ErrSessionNotFound")
		assert.NotErrorIs(t, err, ginjwt.ErrRefreshTokenReused, "a token of a deleted session is not reported as reused")
	}

	assertSession(t, live, e.session(live.ID), "PurgeExpired keeps live sessions")
	assertSession(t, revokedLive, e.session(revokedLive.ID), "PurgeExpired keeps revoked sessions that have not expired")
	e.rotate(liveHash, e.at(time.Minute), e.at(24*time.Hour))

	n, err = e.sessions.PurgeExpired(e.ctx, now)
	require.NoError(t, err)
	assert.Zero(t, n, "a second PurgeExpired at the same time deletes nothing")
}

// testPurgeDeletesHashes checks that the refresh-token hashes of purged
// sessions are gone from the database, not merely unreachable: a new
// session may hold one of them again (which only a test would do) and it
// then behaves as a new, live token.
func testPurgeDeletesHashes[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	old := e.newSession(uid, e.at(-3*time.Hour), 2*time.Hour)
	spent := e.createSession(old)
	e.rotate(spent, e.at(-150*time.Minute), e.at(-time.Hour))
	n, err := e.sessions.PurgeExpired(e.ctx, e.base)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	s := e.newSession(uid, e.base, time.Hour)
	require.NoError(t, e.sessions.CreateSession(e.ctx, s, spent),
		"PurgeExpired deletes the refresh-token hashes of the sessions it deletes: storing one of them again must work")
	_, got := e.rotate(spent, e.at(time.Minute), e.at(time.Hour))
	assert.Equal(t, s.ID, got.ID, "a hash stored again after PurgeExpired belongs to its new session, and is not spent")
}
