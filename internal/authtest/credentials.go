package authtest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// pausingSessions holds one CreateSession, the first after armed is set,
// until release is closed: a sign-in stopped between its password check
// and its session write.
type pausingSessions struct {
	ginjwt.SessionStore
	armed, taken     atomic.Bool
	arrived, release chan struct{}
}

func (p *pausingSessions) CreateSession(ctx context.Context, s ginjwt.Session, hash string) error {
	if p.armed.Load() && p.taken.CompareAndSwap(false, true) {
		close(p.arrived)
		<-p.release
	}
	return p.SessionStore.CreateSession(ctx, s, hash)
}

// SigninRacingPasswordChange: a sign-in with the old password that
// overlaps a password change (its session is written after the change
// revoked every session) gets a pair that does not work, neither the
// access token nor the refresh token. The store keeps the credentials
// version that makes it so.
func SigninRacingPasswordChange[U ginjwt.User](t *testing.T, b Backend[U]) {
	users, sessions, _ := b.open(t)
	ps := &pausingSessions{SessionStore: sessions, arrived: make(chan struct{}), release: make(chan struct{})}
	s := NewServer(t, users, ps)
	id := s.Signup(t, "racer@example.com")
	owner := s.Signin(t, "racer@example.com")

	ps.armed.Store(true)
	racing := make(chan Reply, 1)
	go func() {
		rep, err := s.Send(SigninRequest("racer@example.com", Password))
		if err != nil {
			t.Error(err)
		}
		racing <- rep
	}()
	<-ps.arrived
	s.Expect(t, http.StatusOK, Request{
		Method: http.MethodPost, Path: "/auth/password", Token: owner.AccessToken,
		Body: map[string]string{"current_password": Password, "new_password": "a brand new password"},
	})
	close(ps.release)
	rep := <-racing
	if rep.Code != http.StatusOK {
		t.Fatalf("the racing sign-in: %s, want 200 (it verified the old password before the change)", rep)
	}
	var late ginjwt.TokenPair
	decode(t, rep, &late)
	s.Profile(t, http.StatusUnauthorized, late.AccessToken, id)
	s.Expect(t, http.StatusUnauthorized, RefreshRequest(late.RefreshToken))

	// A second instance over the same database, with nothing cached.
	other := NewServer(t, users, sessions)
	other.Profile(t, http.StatusUnauthorized, late.AccessToken, id)
}
