package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The accounts of a run, all made by setup. Their password is [password].
const (
	profileEmail = "soak-profile@example.com" // its token goes to wrk
	signinEmail  = "soak-signin@example.com"  // signs in and out in a loop
	refreshEmail = "soak-refresh@example.com" // the refresh chain
	victimEmail  = "soak-victim@example.com"  // wrong passwords, until the throttle answers 429
	password     = "soak password, long enough"
)

// The kinds of request the driver sends, in report order.
const (
	kindSignin      = "signin"
	kindSigninWrong = "signin (wrong password)"
	kindMe          = "me"
	kindLogout      = "logout"
	kindRefresh     = "refresh"
	kindBadToken    = "bad token"
)

// fixture is what setup leaves for the load.
type fixture struct {
	Access  string // a valid access token of the profile account
	Refresh string // that session's refresh token, never spent
	Bad     []badToken
}

// setup signs the accounts up and the profile account in, and mints the
// bad tokens. Its requests are not counted.
func setup(ctx context.Context, c *client, key []byte) (*fixture, error) {
	for _, email := range []string{profileEmail, signinEmail, refreshEmail, victimEmail} {
		r, err := c.do(ctx, http.MethodPost, "/auth/signup", credentials(email, password), "")
		if err != nil {
			return nil, fmt.Errorf("signup %s: %w", email, err)
		}
		if r.Status != http.StatusCreated {
			return nil, fmt.Errorf("signup %s: %d %s", email, r.Status, r.Body)
		}
	}
	r, err := c.do(ctx, http.MethodPost, "/auth/signin", credentials(profileEmail, password), "")
	if err != nil {
		return nil, fmt.Errorf("signin: %w", err)
	}
	p, err := r.pair()
	if r.Status != http.StatusOK || err != nil {
		return nil, fmt.Errorf("signin: %d %s", r.Status, r.Body)
	}
	bad, err := badTokens(p.Access, p.Refresh, key)
	if err != nil {
		return nil, err
	}
	return &fixture{Access: p.Access, Refresh: p.Refresh, Bad: bad}, nil
}

// every calls f about rate times a second until stop ends; a slow f lowers
// the rate rather than queueing calls. A call in progress when stop ends
// completes: cutting its request would show the server a client that
// hung up, which is not the load the soak means.
func every(stop context.Context, rate float64, f func(i int)) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-stop.Done():
			return
		case <-t.C:
		}
		f(i)
	}
}

// send makes one request of kind and records it with check's verdict;
// it returns the answer, or nil when there was none (or the load ended).
func (c *client) send(ctx context.Context, kind, method, path, body, token string, check func(*response) string) *response {
	r, err := c.do(ctx, method, path, body, token)
	if err != nil {
		if ctx.Err() == nil {
			c.failed(kind, err)
		}
		return nil
	}
	c.record(kind, r, check(r))
	return r
}

func status(want ...int) func(*response) string {
	return func(r *response) string {
		for _, w := range want {
			if r.Status == w {
				return ""
			}
		}
		return fmt.Sprintf("want %v", want)
	}
}

// The loops below send their requests on ctx, which ends only on an
// interrupt, and stop when stop ends.

// signinLoop signs in, reads /auth/me and logs out, one step at a time, at
// about rate sign-ins a second: one worker, so never more than one
// password hash in flight. Every fifth attempt is a wrong password for the
// victim account, which the throttle answers 429 after its first failures.
func (c *client) signinLoop(ctx, stop context.Context, rate float64) {
	every(stop, rate, func(i int) {
		if i%5 == 0 {
			c.send(ctx, kindSigninWrong, http.MethodPost, "/auth/signin", credentials(victimEmail, "not the password"), "", func(r *response) string {
				switch {
				case r.Status == http.StatusUnauthorized:
					return ""
				case r.Status == http.StatusTooManyRequests && r.Header.Get("Retry-After") != "":
					return ""
				case r.Status == http.StatusTooManyRequests:
					return "429 without Retry-After"
				}
				return "want 401 or 429"
			})
			return
		}
		r := c.send(ctx, kindSignin, http.MethodPost, "/auth/signin", credentials(signinEmail, password), "", status(http.StatusOK))
		if r == nil || r.Status != http.StatusOK {
			return
		}
		p, err := r.pair()
		if err != nil {
			c.record(kindSignin, r, err.Error())
			return
		}
		c.send(ctx, kindMe, http.MethodGet, "/auth/me", "", p.Access, status(http.StatusOK))
		c.send(ctx, kindLogout, http.MethodPost, "/auth/logout", "", p.Access, status(http.StatusNoContent))
	})
}

// refreshChain signs in once and then refreshes at about rate a second,
// each time with the refresh token the previous refresh returned; every
// tenth new access token reads /auth/me. When a refresh fails (which is
// counted), it signs in again to start a new chain.
func (c *client) refreshChain(ctx, stop context.Context, rate float64) {
	var cur pair
	start := func() bool {
		r := c.send(ctx, kindSignin, http.MethodPost, "/auth/signin", credentials(refreshEmail, password), "", status(http.StatusOK))
		if r == nil || r.Status != http.StatusOK {
			return false
		}
		p, err := r.pair()
		if err != nil {
			c.record(kindSignin, r, err.Error())
			return false
		}
		cur = p
		return true
	}
	every(stop, rate, func(i int) {
		if cur.Refresh == "" && !start() {
			return
		}
		r := c.send(ctx, kindRefresh, http.MethodPost, "/auth/refresh", `{"refresh_token":"`+cur.Refresh+`"}`, "", status(http.StatusOK))
		if r == nil {
			if ctx.Err() == nil {
				cur = pair{} // the rotation may or may not have happened
			}
			return
		}
		p, err := r.pair()
		if r.Status != http.StatusOK || err != nil {
			cur = pair{}
			return
		}
		cur = p
		if i%10 == 0 {
			c.send(ctx, kindMe, http.MethodGet, "/auth/me", "", cur.Access, status(http.StatusOK))
		}
	})
}

// badTokenLoop sends the bad tokens in turn to GET /api/profile at about
// rate a second; each must get 401 with an invalid_token challenge.
func (c *client) badTokenLoop(ctx, stop context.Context, rate float64, bad []badToken, offset int) {
	every(stop, rate, func(i int) {
		b := bad[(i+offset)%len(bad)]
		c.send(ctx, kindBadToken, http.MethodGet, "/api/profile", "", b.Token, func(r *response) string {
			if r.Status != http.StatusUnauthorized {
				return b.Name + ": want 401"
			}
			if ch := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer") || !strings.Contains(ch, `error="invalid_token"`) {
				return fmt.Sprintf("%s: challenge %q", b.Name, ch)
			}
			return ""
		})
	})
}
