package ginjwt_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// A handler that writes through its claims' pointers and slices (the
// times, the audience) changes neither what the next request of the same
// token sees nor the lifetimes the token cache checks: each request's
// claims are a deep copy. Run under -race, the concurrent requests also
// prove that no memory is shared.
func TestCachedClaimsAreDeepCopies(t *testing.T) {
	f := newFixture(t)
	f.cfg.Audience = "api"
	auth := ginjwt.MustCompile(f.cfg)
	r := gin.New()
	r.GET("/x", auth.Middleware(), func(c *gin.Context) {
		cl, _ := ginjwt.CurrentClaims(c)
		if len(cl.Audience) != 1 || cl.Audience[0] != "api" || time.Until(cl.ExpiresAt.Time) < 0 {
			c.String(500, "saw another request's change: %v %v", cl.Audience, cl.ExpiresAt)
			return
		}
		cl.ExpiresAt.Time = time.Unix(1, 0) // would make the cached token expired
		cl.IssuedAt.Time = time.Unix(1, 0)
		cl.Audience[0] = "changed by a handler"
		c.Status(http.StatusOK)
	})
	tok := f.pair(t).AccessToken
	require.Equal(t, 200, do(t, r, "GET", "/x", nil, bearer(tok)...).Code)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if w := do(t, r, "GET", "/x", nil, bearer(tok)...); w.Code != 200 {
					t.Errorf("%d %s", w.Code, w.Body.String())
					return
				}
			}
		}()
	}
	wg.Wait()

	// ParseAccessToken hands out copies of its own too.
	cl, err := auth.ParseAccessToken(tok)
	require.NoError(t, err)
	cl.ExpiresAt = jwt.NewNumericDate(time.Unix(1, 0))
	cl.Audience[0] = "changed"
	again, err := auth.ParseAccessToken(tok)
	require.NoError(t, err)
	require.Equal(t, jwt.ClaimStrings{"api"}, again.Audience)
	require.True(t, again.ExpiresAt.After(time.Now()))
}

// The request's copy is made on first use: goroutines of one handler that
// ask for the claims at once agree on one copy, and a change made to it is
// seen by the rest of the request and by nothing else.
func TestRequestClaimsAreOneCopyPerRequest(t *testing.T) {
	f := newFixture(t)
	auth := ginjwt.MustCompile(f.cfg)
	r := gin.New()
	r.GET("/x", auth.Middleware(), func(c *gin.Context) {
		var wg sync.WaitGroup
		got := make([]*ginjwt.Claims, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], _ = ginjwt.ClaimsFromContext(c.Request.Context())
			}()
		}
		wg.Wait()
		for _, cl := range got[1:] {
			if cl != got[0] {
				c.String(500, "two copies of one request's claims")
				return
			}
		}
		if got[0].Scope != "" {
			c.String(500, "saw another request's change: %q", got[0].Scope)
			return
		}
		got[0].Scope = "changed"
		if again, _ := ginjwt.CurrentClaims(c); again.Scope != "changed" {
			c.String(500, "the request's own change was lost")
			return
		}
		c.Status(http.StatusOK)
	})
	tok := f.pair(t).AccessToken
	for range 3 {
		w := do(t, r, "GET", "/x", nil, bearer(tok)...)
		require.Equal(t, 200, w.Code, w.Body.String())
	}
}
