package ginjwt_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

func TestTokenCacheRechecksLifetimesAndRevocation(t *testing.T) {
	clk := newClock()
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.Now = clk.now })
	a.r.GET("/cached", a.auth.Middleware(), func(c *gin.Context) { c.Status(200) })
	p := a.signin(t, "ada@example.com", adaPassword)
	for range 2 {
		require.Equal(t, 200, do(t, a.r, "GET", "/cached", nil, bearer(p.AccessToken)...).Code)
	}
	require.Positive(t, a.auth.TokenCacheLen(), "the token is cached after its first use")

	clk.add(ginjwt.DefaultAccessTokenLifetime + ginjwt.DefaultLeeway + time.Second)
	w := do(t, a.r, "GET", "/cached", nil, bearer(p.AccessToken)...)
	assert.Equal(t, 401, w.Code)
	assert.Equal(t, "Token has expired", w.detail(t), "exp is checked again on a cache hit")

	clk.add(-(ginjwt.DefaultAccessTokenLifetime + ginjwt.DefaultLeeway + time.Second))
	require.Equal(t, 200, do(t, a.r, "GET", "/cached", nil, bearer(p.AccessToken)...).Code)
	require.Equal(t, 204, do(t, a.r, "POST", "/auth/logout", nil, bearer(p.AccessToken)...).Code)
	assert.Equal(t, 401, do(t, a.r, "GET", "/cached", nil, bearer(p.AccessToken)...).Code, "revocation still holds on a cached token")
}

func TestTokenCacheHoldsOnlyVerifiedTokens(t *testing.T) {
	f := newFixture(t)
	auth := ginjwt.MustCompile(f.cfg)
	r := engine[memstore.User](auth.Middleware())
	good := f.pair(t).AccessToken
	for _, bad := range []string{flipLastBits(good), "a.b.c", good + "x"} {
		for range 2 {
			assert.Equal(t, 401, do(t, r, "GET", "/api/me", nil, bearer(bad)...).Code)
		}
	}
	assert.Zero(t, auth.TokenCacheLen(), "a token that failed verification is never cached")
}

func TestTokenCacheIsBoundedAndDroppedOnRotation(t *testing.T) {
	f := newFixture(t)
	f.cfg.TokenCacheSize = 160
	f.cfg.Sessions = nil
	auth := ginjwt.MustCompile(f.cfg)
	r := engine[memstore.User](auth.Middleware())
	first, err := auth.AccessToken(context.Background(), f.user, "s", time.Now())
	require.NoError(t, err)
	for i := range 2000 {
		tok, err := auth.AccessToken(context.Background(), f.user, fmt.Sprint("s", i), time.Now())
		require.NoError(t, err)
		require.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code)
	}
	assert.LessOrEqual(t, auth.TokenCacheLen(), 160, "a flood of distinct valid tokens only evicts")
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(first)...).Code, "an evicted token is simply verified again")

	// A rotation that removes the key: cached or not, its tokens fail.
	require.Positive(t, auth.TokenCacheLen())
	other, err := ginjwt.NewHMACKey("HS256", []byte("another-key-another-key-32-bytes"))
	require.NoError(t, err)
	ks, err := ginjwt.NewKeySet(other)
	require.NoError(t, err)
	require.NoError(t, auth.SetKeys(ks))
	assert.Zero(t, auth.TokenCacheLen(), "a new key set starts with an empty cache")
	assert.Equal(t, 401, do(t, r, "GET", "/api/me", nil, bearer(first)...).Code)
}

// Handlers get claims of their own: a handler that modifies its copy
// changes nothing for a concurrent request with the same token. Run with
// -race.
func TestCachedClaimsAreNotShared(t *testing.T) {
	f := newFixture(t)
	auth := ginjwt.MustCompile(f.cfg)
	r := gin.New()
	r.GET("/x", auth.Middleware(), func(c *gin.Context) {
		cl, _ := ginjwt.CurrentClaims(c)
		if cl.Subject != f.user.ID {
			c.String(500, "saw another request's change: %q", cl.Subject)
			return
		}
		cl.Subject = "changed by a handler"
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
}

func TestTokenCacheOff(t *testing.T) {
	f := newFixture(t)
	f.cfg.TokenCacheSize = -1
	auth := ginjwt.MustCompile(f.cfg)
	r := engine[memstore.User](auth.Middleware())
	tok := f.pair(t).AccessToken
	for range 2 {
		require.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code)
	}
	assert.Zero(t, auth.TokenCacheLen())
}
