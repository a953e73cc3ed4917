package authtest

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Signup creates a user with [Password] through the route and returns its
// id.
func (s *Server[U]) Signup(t *testing.T, email string) string {
	t.Helper()
	var u struct {
		ID string `json:"id"`
	}
	decode(t, s.Expect(t, http.StatusCreated, SignupRequest(email)), &u)
	return u.ID
}

// Signin signs in with [Password] through the route and returns the token
// pair.
func (s *Server[U]) Signin(t *testing.T, email string) ginjwt.TokenPair {
	t.Helper()
	var p ginjwt.TokenPair
	decode(t, s.Expect(t, http.StatusOK, SigninRequest(email, Password)), &p)
	return p
}

// Refresh rotates a refresh token through the route and returns the new
// pair.
func (s *Server[U]) Refresh(t *testing.T, refreshToken string) ginjwt.TokenPair {
	t.Helper()
	var p ginjwt.TokenPair
	decode(t, s.Expect(t, http.StatusOK, RefreshRequest(refreshToken)), &p)
	return p
}

// Profile wants GET /api/profile with accessToken to answer want; on 200
// the user must be userID.
func (s *Server[U]) Profile(t *testing.T, want int, accessToken, userID string) {
	t.Helper()
	rep := s.Expect(t, want, ProfileRequest(accessToken))
	if want != http.StatusOK {
		return
	}
	var u struct {
		ID string `json:"id"`
	}
	decode(t, rep, &u)
	if u.ID != userID {
		t.Fatalf("GET /api/profile answered user %q, want %q", u.ID, userID)
	}
}

// Burst sends n requests at once: every goroutine waits on one channel,
// closed when all are ready. It returns the replies in order.
func (s *Server[U]) Burst(t *testing.T, n int, req func(i int) Request) []Reply {
	t.Helper()
	replies := make([]Reply, n)
	errs := make([]error, n)
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	for i := range n {
		wg.Go(func() {
			r := req(i)
			ready.Done()
			<-start
			replies[i], errs[i] = s.Send(r)
		})
	}
	ready.Wait()
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return replies
}

func decode(t *testing.T, rep Reply, v any) {
	t.Helper()
	if err := json.Unmarshal(rep.Body, v); err != nil {
		t.Fatalf("decoding %q: %v", rep.Body, err)
	}
}

// tally counts the distinct replies (status and body), for failure
// messages.
func tally(replies []Reply) map[string]int {
	m := map[string]int{}
	for _, r := range replies {
		m[r.String()]++
	}
	return m
}

// statusCounts counts the replies of each status.
func statusCounts(replies []Reply) map[int]int {
	m := map[int]int{}
	for _, r := range replies {
		m[r.Code]++
	}
	return m
}
