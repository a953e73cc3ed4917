package authtest

import (
	"net/http"
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// ReuseDetail is the detail of the 401 that answers a refresh token spent
// before: the reuse that revokes its session.
const ReuseDetail = "Refresh token has already been used; the session has been revoked"

// Restart: users and sessions live in the database, not in the process.
// After the connection is closed and the database reopened under a new
// engine (a restarted server with the same key), tokens issued before
// still work, rotation goes on, and a refresh token spent before the
// restart is still recognised as reused.
func Restart[U ginjwt.User](t *testing.T, b Backend[U]) {
	users, sessions, closeBefore := b.open(t)
	before := NewServer(t, users, sessions)
	uid := before.Signup(t, "restart@example.com")
	p1 := before.Signin(t, "restart@example.com")
	p2 := before.Refresh(t, p1.RefreshToken)
	before.Profile(t, http.StatusOK, p2.AccessToken, uid)
	closeBefore()

	after := b.server(t)
	other := after.Signin(t, "restart@example.com")
	after.Profile(t, http.StatusOK, other.AccessToken, uid)
	after.Profile(t, http.StatusOK, p1.AccessToken, uid)
	after.Profile(t, http.StatusOK, p2.AccessToken, uid)
	p3 := after.Refresh(t, p2.RefreshToken)
	after.Profile(t, http.StatusOK, p3.AccessToken, uid)

	// p1's refresh token was spent before the restart: a reuse.
	rep := after.Expect(t, http.StatusUnauthorized, RefreshRequest(p1.RefreshToken))
	if d, _ := rep.Detail(); d != ReuseDetail {
		t.Errorf("replaying a token spent before the restart: detail %q, want %q", d, ReuseDetail)
	}
	after.Expect(t, http.StatusUnauthorized, RefreshRequest(p3.RefreshToken))
	for _, p := range []ginjwt.TokenPair{p1, p2, p3} {
		after.Profile(t, http.StatusUnauthorized, p.AccessToken, uid)
	}
	// The other session is a family of its own.
	after.Profile(t, http.StatusOK, other.AccessToken, uid)
	after.Refresh(t, other.RefreshToken)
}
