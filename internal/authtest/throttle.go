package authtest

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Throttle: after ginjwt.DefaultThrottleLimit failed sign-ins for one
// account from one IP, that IP gets 429 with Retry-After, even with the
// right password, and so does an unknown email tried as often; another IP
// signs in to the account, and the attacker's IP to another account.
func Throttle[U ginjwt.User](t *testing.T, b Backend[U]) {
	s := b.server(t)
	s.Signup(t, "locked@example.com")
	const attacker, user = "203.0.113.7:40000", "198.51.100.9:50000"
	from := func(req Request, addr string) Request { req.RemoteAddr = addr; return req }

	for i := range ginjwt.DefaultThrottleLimit {
		s.Expect(t, http.StatusUnauthorized, from(SigninRequest("locked@example.com", fmt.Sprintf("wrong password %d", i)), attacker))
		// An unknown email counts exactly like a known one.
		s.Expect(t, http.StatusUnauthorized, from(SigninRequest("nobody@example.com", Password), attacker))
	}
	for _, email := range []string{"locked@example.com", "nobody@example.com"} {
		rep := s.Expect(t, http.StatusTooManyRequests, from(SigninRequest(email, Password), attacker))
		secs, err := strconv.Atoi(rep.Header.Get("Retry-After"))
		if err != nil || secs <= 0 {
			t.Errorf("429 for %s: Retry-After %q, want a positive number of seconds", email, rep.Header.Get("Retry-After"))
		}
	}
	// The lock is per account and IP: another client is not locked out,
	// nor is the attacker's IP for another account.
	s.Expect(t, http.StatusOK, from(SigninRequest("locked@example.com", Password), user))
	s.Signup(t, "other@example.com")
	s.Expect(t, http.StatusOK, from(SigninRequest("other@example.com", Password), attacker))
}
