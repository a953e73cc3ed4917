package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func sessionTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"RoundTrip", testSessionRoundTrip[U]},
		{"TimesInOtherZones", testSessionZones[U]},
		{"UnknownSession", testUnknownSession[U]},
		{"ListSessions", testListSessions[U]},
		{"ListSessionsExpiryBoundary", testListBoundary[U]},
		{"ListSessionsOfUserWithoutSessions", testListUnknownUser[U]},
	}
}

func testSessionRoundTrip[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	a := e.newSession(uid, e.at(-90*time.Minute), 30*24*time.Hour)
	a.LastUsedAt = e.at(-5 * time.Minute) // differs from CreatedAt
	a.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 \"quoted\" 日本語"
	a.IP = "203.0.113.7"
	b := e.newSession(uid, e.base, time.Hour)
	b.UserAgent, b.IP = "", "" // both optional
	e.createSession(a)
	e.createSession(b)

	assertSession(t, a, e.session(a.ID), "Session(id) after CreateSession must return every field as given")
	assertSession(t, b, e.session(b.ID), "Session(id) after CreateSession must return every field as given")
}

func testSessionZones[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	var hashes []string
	var ids []string
	for _, zone := range []*time.Location{time.FixedZone("UTC+5", 5*3600), time.FixedZone("UTC-8", -8*3600)} {
		s := e.newSession(uid, e.base.In(zone), time.Hour)
		hashes = append(hashes, e.createSession(s))
		ids = append(ids, s.ID)
		assertSession(t, s, e.session(s.ID), "a session created with times in "+zone.String()+" must come back equal and in UTC")
	}

	list, err := e.sessions.ListSessions(e.ctx, uid, e.at(30*time.Minute))
	require.NoError(t, err)
	assert.ElementsMatch(t, ids, sessionIDs(list),
		"30 minutes in, both sessions are live whatever zone their times were given in (store times in UTC so that comparisons hold)")

	list, err = e.sessions.ListSessions(e.ctx, uid, e.at(2*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, list, "2 hours in, both sessions have expired whatever zone their times were given in")
	for _, h := range hashes {
		_, err := e.sessions.RotateRefreshToken(e.ctx, h, newHash(), e.at(2*time.Hour), e.at(3*time.Hour))
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "rotating a token of an expired session returns ErrSessionNotFound, whatever zone its times were given in")
	}
}

func testUnknownSession[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	s, _ := e.liveSession(uid)
	ids := append(malformed(), input{"unknown", newSessionID()}, input{"existing id with a leading space", " " + s.ID})
	for _, in := range ids {
		_, err := e.sessions.Session(e.ctx, in.value)
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound,
			"Session(%s) must return ErrSessionNotFound: an id that is not stored, malformed or not, is simply not found", in.name)
	}
	assertSession(t, s, e.session(s.ID), "the stored session after look-ups of unknown ids")
}

func testListSessions[U ginjwt.User](t *testing.T, e *env[U]) {
	alice, bob := e.user().Subject(), e.user().Subject()
	now := e.base

	older := e.newSession(alice, e.at(-3*time.Hour), 24*time.Hour)
	newest := e.newSession(alice, e.at(-1*time.Hour), 24*time.Hour)
	middle := e.newSession(alice, e.at(-2*time.Hour), 24*time.Hour)
	middle.LastUsedAt = e.at(-time.Minute) // order is by CreatedAt, not LastUsedAt
	revoked := e.newSession(alice, e.at(-30*time.Minute), 24*time.Hour)
	expired := e.newSession(alice, e.at(-25*time.Hour), 24*time.Hour)
	bobs := e.newSession(bob, e.at(-10*time.Minute), 24*time.Hour)
	// Stored in an order that is neither oldest nor newest first.
	for _, s := range []ginjwt.Session{middle, revoked, older, expired, newest, bobs} {
		e.createSession(s)
	}
	require.NoError(t, e.sessions.RevokeSession(e.ctx, revoked.ID, e.at(-time.Minute)))

	list, err := e.sessions.ListSessions(e.ctx, alice, now)
	require.NoError(t, err, "ListSessions must succeed")
	want := []ginjwt.Session{newest, middle, older}
	require.Equal(t, sessionIDs(want), sessionIDs(list),
		"ListSessions returns the user's live sessions (not revoked, not expired) newest first by CreatedAt")
	for i := range want {
		assertSession(t, want[i], list[i], "ListSessions")
	}

	list, err = e.sessions.ListSessions(e.ctx, bob, now)
	require.NoError(t, err)
	assert.Equal(t, []string{bobs.ID}, sessionIDs(list), "ListSessions returns only that user's sessions")
}

func testListBoundary[U ginjwt.User](t *testing.T, e *env[U]) {
	uid := e.user().Subject()
	s := e.newSession(uid, e.at(-time.Hour), time.Hour) // ExpiresAt == base
	e.createSession(s)

	list, err := e.sessions.ListSessions(e.ctx, uid, e.at(-time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, []string{s.ID}, sessionIDs(list), "a session is live until its ExpiresAt (ginjwt.Session.Live)")

	list, err = e.sessions.ListSessions(e.ctx, uid, e.base)
	require.NoError(t, err)
	assert.Empty(t, list, "a session whose ExpiresAt equals now has expired (ginjwt.Session.Live: now.Before(ExpiresAt))")
}

func testListUnknownUser[U ginjwt.User](t *testing.T, e *env[U]) {
	e.liveSession(e.user().Subject())
	idle := e.user().Subject()
	list, err := e.sessions.ListSessions(e.ctx, idle, e.base)
	assert.NoError(t, err, "ListSessions of a user without sessions is an empty list, not an error")
	assert.Empty(t, list, "ListSessions must not return other users' sessions")
}

// sessionIDs returns the ids of ss in order.
func sessionIDs(ss []ginjwt.Session) []string {
	ids := make([]string, 0, len(ss))
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	return ids
}
