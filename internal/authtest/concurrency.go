package authtest

import (
	"net/http"
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// ConcurrentRefresh: 50 clients present the same refresh token at once.
// Exactly one gets a new pair; the other 49 are reuses (401, never 503 or
// 500), which revoke the whole family, the winner's new tokens included.
// Other sessions of the user are not affected.
func ConcurrentRefresh[U ginjwt.User](t *testing.T, b Backend[U]) {
	s := b.server(t)
	uid := s.Signup(t, "race@example.com")
	first := s.Signin(t, "race@example.com")

	const n = 50
	replies := s.Burst(t, n, func(int) Request { return RefreshRequest(first.RefreshToken) })
	var winner ginjwt.TokenPair
	for i, rep := range replies {
		switch rep.Code {
		case http.StatusOK:
			decode(t, rep, &winner)
		case http.StatusUnauthorized:
			if _, err := rep.Detail(); err != nil {
				t.Error(err)
			}
		default:
			t.Errorf("refresh %d: %v", i, rep)
		}
	}
	if got := statusCounts(replies); got[http.StatusOK] != 1 || got[http.StatusUnauthorized] != n-1 {
		t.Fatalf("statuses of %d concurrent refreshes: %v, want one 200 and %d 401; replies: %v", n, got, n-1, tally(replies))
	}

	// The reuses revoked the family: nothing of it works any more.
	s.Expect(t, http.StatusUnauthorized, RefreshRequest(winner.RefreshToken))
	s.Profile(t, http.StatusUnauthorized, winner.AccessToken, uid)
	s.Profile(t, http.StatusUnauthorized, first.AccessToken, uid)
	// Other sessions of the user are not affected.
	s.Profile(t, http.StatusOK, s.Signin(t, "race@example.com").AccessToken, uid)
}

// ConcurrentSignup: 20 clients sign up the same address at once, in
// different cases and with surrounding spaces. Exactly one gets 201, the
// other 19 get 409 (never 503 or 500), the database holds one user, and
// every variant signs in to it.
func ConcurrentSignup[U ginjwt.User](t *testing.T, b Backend[U]) {
	s := b.server(t)
	variants := []string{"same@example.com", "Same@Example.com", "SAME@EXAMPLE.COM", " sAmE@eXaMpLe.CoM "}

	const n = 20
	replies := s.Burst(t, n, func(i int) Request { return SignupRequest(variants[i%len(variants)]) })
	for _, rep := range replies {
		if rep.Code != http.StatusCreated {
			if _, err := rep.Detail(); err != nil {
				t.Error(err)
			}
		}
	}
	if got := statusCounts(replies); got[http.StatusCreated] != 1 || got[http.StatusConflict] != n-1 {
		t.Fatalf("statuses of %d concurrent signups: %v, want one 201 and %d 409; replies: %v", n, got, n-1, tally(replies))
	}
	if users := b.CountUsers(t); users != 1 {
		t.Fatalf("%d users in the database, want 1", users)
	}
	// Whatever case won, every variant signs in to that one account.
	for _, v := range variants {
		s.Signin(t, v)
	}
}
