package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// mailTokenTests check the optional ginjwt.MailTokenStore and
// ginjwt.EmailVerifier; each skips when the store lacks them.
func mailTokenTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"ConsumeOnce", testMailConsumeOnce[U]},
		{"KindsAreSeparate", testMailKinds[U]},
		{"Expiry", testMailExpiry[U]},
		{"NewTokenKeepsEarlier", testMailKeepsEarlier[U]},
		{"MalformedNotFound", testMailMalformed[U]},
		{"Latest", testMailLatest[U]},
		{"Purge", testMailPurge[U]},
		{"RaceConsume", testMailRaceConsume[U]},
		{"Reopen", testMailReopen[U]},
		{"DeadContext", testMailDeadContext[U]},
		{"SetEmailVerified", testSetEmailVerified[U]},
	}
}

// mailStore returns the store's MailTokenStore, or skips the test.
func (e *env[U]) mailStore() ginjwt.MailTokenStore {
	e.t.Helper()
	if m, ok := e.users.(ginjwt.MailTokenStore); ok {
		return m
	}
	if m, ok := e.sessions.(ginjwt.MailTokenStore); ok {
		return m
	}
	e.t.Skip("the store does not implement ginjwt.MailTokenStore (optional)")
	return nil
}

// mailToken stores a token of kind for u, created at created and valid
// for ttl, and returns it.
func (e *env[U]) mailToken(m ginjwt.MailTokenStore, u U, kind ginjwt.MailTokenKind, created time.Time, ttl time.Duration) ginjwt.MailToken {
	e.t.Helper()
	e.seq++
	tok := ginjwt.MailToken{
		Hash: newHash(), Kind: kind, UserID: u.Subject(),
		CredentialsVersion: int64(e.seq) * 3,
		CreatedAt:          created, ExpiresAt: created.Add(ttl),
	}
	require.NoError(e.t, m.CreateMailToken(e.ctx, tok), "CreateMailToken of a new token must succeed")
	return tok
}

func assertMailToken(t *testing.T, want, got ginjwt.MailToken, what string) {
	t.Helper()
	assert.Equal(t, want.Hash, got.Hash, "%s: Hash", what)
	assert.Equal(t, want.Kind, got.Kind, "%s: Kind", what)
	assert.Equal(t, want.UserID, got.UserID, "%s: UserID", what)
	assert.Equal(t, want.CredentialsVersion, got.CredentialsVersion, "%s: CredentialsVersion is kept as given", what)
	assert.True(t, want.CreatedAt.Equal(got.CreatedAt), "%s: CreatedAt: want %v, got %v", what, want.CreatedAt, got.CreatedAt)
	assert.True(t, want.ExpiresAt.Equal(got.ExpiresAt), "%s: ExpiresAt: want %v, got %v", what, want.ExpiresAt, got.ExpiresAt)
	assert.Equal(t, time.UTC, got.CreatedAt.Location(), "%s: CreatedAt must be in UTC", what)
	assert.Equal(t, time.UTC, got.ExpiresAt.Location(), "%s: ExpiresAt must be in UTC", what)
}

func testMailConsumeOnce[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	tok := e.mailToken(m, e.user(), ginjwt.MailTokenReset, e.base, time.Hour)
	got, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, tok.Hash, e.at(time.Minute))
	require.NoError(t, err, "ConsumeMailToken of a live, unspent token must succeed")
	assertMailToken(t, tok, got, "ConsumeMailToken")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, tok.Hash, e.at(2*time.Minute))
	assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "a mail token is single-use: the second ConsumeMailToken must fail")
}

func testMailKinds[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	tok := e.mailToken(m, e.user(), ginjwt.MailTokenVerify, e.base, time.Hour)
	_, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, tok.Hash, e.at(time.Minute))
	assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "a verification token must not be consumed as a reset token")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, tok.Hash, e.at(time.Minute))
	assert.NoError(t, err, "a failed consume of the wrong kind must not spend the token")
}

func testMailExpiry[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	u := e.user()
	tok := e.mailToken(m, u, ginjwt.MailTokenVerify, e.base, time.Hour)
	_, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, tok.Hash, e.at(time.Hour))
	assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "a token whose ExpiresAt equals now is expired")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, tok.Hash, e.at(2*time.Hour))
	assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "an expired token must not be consumed")

	// Times in another zone compare by instant.
	zone := time.FixedZone("UTC-7", -7*3600)
	live := e.mailToken(m, u, ginjwt.MailTokenVerify, e.base.In(zone), time.Hour)
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, live.Hash, e.at(59*time.Minute).In(time.FixedZone("UTC+9", 9*3600)))
	assert.NoError(t, err, "a token is live until its ExpiresAt, whatever the zones of the times given")
}

func testMailKeepsEarlier[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	u := e.user()
	first := e.mailToken(m, u, ginjwt.MailTokenReset, e.base, time.Hour)
	second := e.mailToken(m, u, ginjwt.MailTokenReset, e.at(time.Minute), time.Hour)
	_, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, first.Hash, e.at(2*time.Minute))
	assert.NoError(t, err, "a new token must not kill an earlier unexpired one")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, second.Hash, e.at(2*time.Minute))
	assert.NoError(t, err, "spending one token of a user must not spend the others")
}

func testMailMalformed[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	e.mailToken(m, e.user(), ginjwt.MailTokenVerify, e.base, time.Hour)
	for _, in := range malformed() {
		_, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, in.value, e.at(time.Minute))
		assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "ConsumeMailToken(%s) is simply not found", in.name)
		at, err := m.LatestMailToken(e.ctx, in.value, ginjwt.MailTokenVerify)
		assert.NoError(t, err, "LatestMailToken(%s)", in.name)
		assert.True(t, at.IsZero(), "LatestMailToken(%s) of no user is the zero time", in.name)
	}
}

func testMailLatest[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	u, other := e.user(), e.user()
	at, err := m.LatestMailToken(e.ctx, u.Subject(), ginjwt.MailTokenVerify)
	require.NoError(t, err)
	assert.True(t, at.IsZero(), "LatestMailToken without tokens is the zero time")

	e.mailToken(m, u, ginjwt.MailTokenVerify, e.at(-time.Hour), 24*time.Hour)
	newest := e.mailToken(m, u, ginjwt.MailTokenVerify, e.at(-time.Minute), 24*time.Hour)
	e.mailToken(m, u, ginjwt.MailTokenVerify, e.at(-30*time.Minute), 24*time.Hour)
	e.mailToken(m, u, ginjwt.MailTokenReset, e.base, time.Hour)
	e.mailToken(m, other, ginjwt.MailTokenVerify, e.base, time.Hour)
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, newest.Hash, e.base)
	require.NoError(t, err)

	at, err = m.LatestMailToken(e.ctx, u.Subject(), ginjwt.MailTokenVerify)
	require.NoError(t, err)
	assert.True(t, newest.CreatedAt.Equal(at), "LatestMailToken is the newest token of that user and kind, spent or not: want %v, got %v", newest.CreatedAt, at)
	assert.Equal(t, time.UTC, at.Location(), "LatestMailToken must be in UTC")
}

func testMailPurge[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	u := e.user()
	old := e.mailToken(m, u, ginjwt.MailTokenReset, e.at(-2*time.Hour), time.Hour)
	spent := e.mailToken(m, u, ginjwt.MailTokenVerify, e.at(-25*time.Hour), 24*time.Hour)
	_, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, spent.Hash, e.at(-2*time.Hour))
	require.NoError(t, err)
	live := e.mailToken(m, u, ginjwt.MailTokenReset, e.base, time.Hour)

	n, err := m.PurgeMailTokens(e.ctx, e.base)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "PurgeMailTokens deletes the tokens expired before now, spent or not")
	at, err := m.LatestMailToken(e.ctx, u.Subject(), ginjwt.MailTokenVerify)
	require.NoError(t, err)
	assert.True(t, at.IsZero(), "a purged token is gone")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, old.Hash, e.at(-90*time.Minute))
	assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "a purged token is gone")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, live.Hash, e.at(time.Minute))
	assert.NoError(t, err, "PurgeMailTokens keeps live tokens")
}

func testMailRaceConsume[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	tok := e.mailToken(m, e.user(), ginjwt.MailTokenReset, e.base, time.Hour)
	const n = 30
	errs := make([]error, n)
	race(n, func(i int) {
		_, errs[i] = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, tok.Hash, e.at(time.Minute))
	})
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "racing ConsumeMailToken: every loser gets ErrMailTokenNotFound, got %v", err)
	}
	assert.Equal(t, 1, wins, "racing ConsumeMailToken of one token: exactly one may succeed")
}

func testMailReopen[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	u := e.user()
	live := e.mailToken(m, u, ginjwt.MailTokenVerify, e.base, time.Hour)
	spent := e.mailToken(m, u, ginjwt.MailTokenReset, e.base, time.Hour)
	_, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, spent.Hash, e.base)
	require.NoError(t, err)

	e.restart()
	m = e.mailStore()
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenReset, spent.Hash, e.base)
	assert.ErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "after Close and Open, a spent token stays spent")
	got, err := m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, live.Hash, e.base)
	require.NoError(t, err, "after Close and Open, a live token still works")
	assertMailToken(t, live, got, "after Close and Open")
}

func testMailDeadContext[U ginjwt.User](t *testing.T, e *env[U]) {
	m := e.mailStore()
	u := e.user()
	tok := e.mailToken(m, u, ginjwt.MailTokenVerify, e.base, time.Hour)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	_, err := m.ConsumeMailToken(ctx, ginjwt.MailTokenVerify, tok.Hash, e.base)
	assertUnavailable(t, err, "ConsumeMailToken")
	assert.NotErrorIs(t, err, ginjwt.ErrMailTokenNotFound, "ConsumeMailToken with a dead context is a failure, not an answer")
	assertUnavailable(t, m.CreateMailToken(ctx, ginjwt.MailToken{Hash: newHash(), Kind: ginjwt.MailTokenVerify, UserID: u.Subject(), CreatedAt: e.base, ExpiresAt: e.at(time.Hour)}), "CreateMailToken")
	_, err = m.ConsumeMailToken(e.ctx, ginjwt.MailTokenVerify, tok.Hash, e.base)
	assert.NoError(t, err, "a ConsumeMailToken that failed on a dead context must not have spent the token")
}

func testSetEmailVerified[U ginjwt.User](t *testing.T, e *env[U]) {
	v, ok := e.users.(ginjwt.EmailVerifier)
	if !ok {
		t.Skip("the store does not implement ginjwt.EmailVerifier (optional)")
	}
	u, other := e.user(), e.user()
	verified := func(id string) bool {
		t.Helper()
		got, err := e.users.FindUserByID(e.ctx, id)
		require.NoError(t, err)
		vu, ok := any(got).(ginjwt.VerifiedUser)
		require.True(t, ok, "a store that implements ginjwt.EmailVerifier must return users that implement ginjwt.VerifiedUser")
		return vu.IsVerified()
	}
	assert.False(t, verified(u.Subject()), "a new user's email is not verified")
	require.NoError(t, v.SetEmailVerified(e.ctx, u.Subject(), true))
	assert.True(t, verified(u.Subject()), "SetEmailVerified(true) marks the email verified")
	assert.False(t, verified(other.Subject()), "SetEmailVerified changes only that user")
	assert.Equal(t, u.CredentialsVersion(), func() int64 {
		got, _ := e.users.FindUserByID(e.ctx, u.Subject())
		return got.CredentialsVersion()
	}(), "SetEmailVerified must not move the credentials version")
	require.NoError(t, v.SetEmailVerified(e.ctx, u.Subject(), false))
	assert.False(t, verified(u.Subject()), "SetEmailVerified(false) clears it")
	for _, in := range append(malformed(), unknownIDs()...) {
		assert.ErrorIs(t, v.SetEmailVerified(e.ctx, in.value, true), ginjwt.ErrUserNotFound, "SetEmailVerified(%s)", in.name)
	}
}
