package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func concurrencyTests[U ginjwt.User]() []test[U] {
	return []test[U]{
		{"CreateSameEmail", testRaceCreateSameEmail[U]},
		{"CreateDifferentEmails", testRaceCreateDifferent[U]},
		{"RotateSameToken", testRaceRotateSameToken[U]},
		{"RotateWhileLosersRevoke", testRaceRotateLosersRevoke[U]},
		{"RotateDifferentSessions", testRaceRotateDifferent[U]},
		{"RevokeSameSession", testRaceRevoke[U]},
	}
}

// race runs f(0) ... f(n-1) in n goroutines that start together, and waits
// for them all. f must not call t.FailNow.
func race(n int, f func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

// flipCase returns email with the case of its letters flipped by the bits
// of i, so that racers send differently typed forms of one address.
func flipCase(email string, i int) string {
	b := []byte(email)
	for j := range b {
		if i>>(j%8)&1 == 1 {
			b[j] = strings.ToUpper(string(b[j]))[0]
		}
	}
	return string(b)
}

func testRaceCreateSameEmail[U ginjwt.User](t *testing.T, e *env[U]) {
	const n = 20
	nus := make([]ginjwt.NewUser, n)
	for i := range nus {
		nus[i] = e.newUser(flipCase("erin@example.com", i))
	}
	users := make([]U, n)
	errs := make([]error, n)
	race(n, func(i int) { users[i], errs[i] = e.users.CreateUser(e.ctx, nus[i]) })

	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "racing CreateUser of one normalised email: exactly one may succeed, but %d and %d did", winner, i)
			winner = i
			continue
		}
		assert.ErrorIs(t, err, ginjwt.ErrUserExists,
			"racing CreateUser of one normalised email: every loser gets ErrUserExists (a busy or deadlocked database is not an answer), got %v", err)
	}
	require.NotEqual(t, -1, winner, "racing CreateUser of one normalised email: exactly one must succeed, none did")

	got, err := e.users.FindUserByEmail(e.ctx, "erin@example.com")
	require.NoError(t, err, "after the race the winner must be findable by email")
	checkUser(t, users[winner], got, "after racing CreateUser, the user stored is the winner's")
	checkUserObject(t, got, &nus[winner])
}

func testRaceCreateDifferent[U ginjwt.User](t *testing.T, e *env[U]) {
	const n = 20
	nus := make([]ginjwt.NewUser, n)
	for i := range nus {
		nus[i] = e.newUser(fmt.Sprintf("racer%d@example.com", i))
	}
	users := make([]U, n)
	errs := make([]error, n)
	race(n, func(i int) { users[i], errs[i] = e.users.CreateUser(e.ctx, nus[i]) })

	ids := map[string]bool{}
	for i, err := range errs {
		if !assert.NoError(t, err, "concurrent CreateUser of different emails must all succeed (no busy database errors)") {
			continue
		}
		assert.False(t, ids[users[i].Subject()], "concurrent CreateUser must give every user its own id")
		ids[users[i].Subject()] = true
		got, err := e.users.FindUserByEmail(e.ctx, nus[i].NormalizedEmail)
		if assert.NoError(t, err) {
			checkUser(t, users[i], got, "FindUserByEmail after concurrent CreateUser")
		}
	}
}

func testRaceRotateSameToken[U ginjwt.User](t *testing.T, e *env[U]) {
	const n = 50
	s, h0 := e.liveSession(e.user().Subject())
	now, exp := e.at(time.Minute), e.at(24*time.Hour)
	next := make([]string, n)
	for i := range next {
		next[i] = newHash()
	}
	got := make([]ginjwt.Session, n)
	errs := make([]error, n)
	race(n, func(i int) { got[i], errs[i] = e.sessions.RotateRefreshToken(e.ctx, h0, next[i], now, exp) })

	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "racing RotateRefreshToken of one token: exactly one may win, but %d and %d did", winner, i)
			winner = i
			continue
		}
		var re *ginjwt.ReuseError
		if assert.True(t, errors.As(err, &re),
			"racing RotateRefreshToken of one token: every loser gets a *ginjwt.ReuseError (never another error such as a busy database), got %T: %v", err, err) {
			assertTime(t, now, re.SpentAt, "ReuseError.SpentAt of a loser is when the winner spent the token")
			assert.Equal(t, s.ID, re.Session.ID, "ReuseError.Session of a loser")
		}
	}
	require.NotEqual(t, -1, winner, "racing RotateRefreshToken of one token: exactly one must win, none did")
	assertTime(t, exp, got[winner].ExpiresAt, "the winner's session has ExpiresAt = expiresAt")

	for i, h := range next {
		if i == winner {
			continue
		}
		_, err := e.sessions.RotateRefreshToken(e.ctx, h, newHash(), e.at(2*time.Minute), exp)
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "the new hash of a losing rotation must not have been stored (%d)", i)
	}
	e.rotate(next[winner], e.at(2*time.Minute), exp) // the winner's new hash is live
}

// testRaceRotateLosersRevoke races rotations of one token whose losers
// revoke the session at once, as ginjwt does on reuse: a revocation that
// lands after the winner's spend must not turn the winner into a loser.
func testRaceRotateLosersRevoke[U ginjwt.User](t *testing.T, e *env[U]) {
	const n = 50
	s, h0 := e.liveSession(e.user().Subject())
	now, exp := e.at(time.Minute), e.at(24*time.Hour)
	errs := make([]error, n)
	race(n, func(i int) {
		_, errs[i] = e.sessions.RotateRefreshToken(e.ctx, h0, newHash(), now, exp)
		if errors.Is(errs[i], ginjwt.ErrRefreshTokenReused) {
			_ = e.sessions.RevokeSession(e.ctx, s.ID, now)
		}
	})
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, ginjwt.ErrRefreshTokenReused), errors.Is(err, ginjwt.ErrSessionNotFound):
			// A loser that comes after a revocation finds no live session.
		default:
			t.Errorf("racing RotateRefreshToken while losers revoke: a loser gets a *ginjwt.ReuseError or ErrSessionNotFound, got %v", err)
		}
	}
	assert.Equal(t, 1, wins, "racing RotateRefreshToken while losers revoke the session: exactly one call wins")
	got, err := e.sessions.Session(e.ctx, s.ID)
	require.NoError(t, err)
	assert.False(t, got.Live(now), "the losers revoked the session")
}

func testRaceRotateDifferent[U ginjwt.User](t *testing.T, e *env[U]) {
	const n = 20
	uid := e.user().Subject()
	ids := make([]string, n)
	hashes := make([]string, n)
	for i := range n {
		var s ginjwt.Session
		s, hashes[i] = e.liveSession(uid)
		ids[i] = s.ID
	}
	now, exp := e.at(time.Minute), e.at(24*time.Hour)
	got := make([]ginjwt.Session, n)
	errs := make([]error, n)
	race(n, func(i int) { got[i], errs[i] = e.sessions.RotateRefreshToken(e.ctx, hashes[i], newHash(), now, exp) })
	for i, err := range errs {
		if assert.NoError(t, err, "concurrent rotations of different sessions must all succeed (no busy database errors)") {
			assert.Equal(t, ids[i], got[i].ID, "RotateRefreshToken returns the session of the rotated token")
		}
	}
}

func testRaceRevoke[U ginjwt.User](t *testing.T, e *env[U]) {
	const n = 20
	s, _ := e.liveSession(e.user().Subject())
	errs := make([]error, n)
	race(n, func(i int) {
		errs[i] = e.sessions.RevokeSession(e.ctx, s.ID, e.at(time.Duration(i+1)*time.Millisecond))
	})

	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "racing RevokeSession of one session: exactly one may revoke it, but %d and %d did", winner, i)
			winner = i
			continue
		}
		assert.ErrorIs(t, err, ginjwt.ErrSessionNotFound, "racing RevokeSession: the losers find the session no longer live (ErrSessionNotFound), got %v", err)
	}
	require.NotEqual(t, -1, winner, "racing RevokeSession: exactly one must succeed, none did")
	assertTime(t, e.at(time.Duration(winner+1)*time.Millisecond), e.session(s.ID).RevokedAt, "RevokedAt is the winner's time")
}
