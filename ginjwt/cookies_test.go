package ginjwt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

const (
	accessCk  = ginjwt.DefaultAccessCookie
	refreshCk = ginjwt.DefaultRefreshCookie
	csrfCk    = ginjwt.DefaultCSRFCookie
)

// cookieApp is the routes app in cookie mode, with a trusted origin.
func cookieApp(t *testing.T, tweak ...func(*ginjwt.Config[memstore.User])) *app {
	t.Helper()
	return newApp(t, append([]func(*ginjwt.Config[memstore.User]){func(c *ginjwt.Config[memstore.User]) {
		c.Cookies = &ginjwt.CookieConfig{TrustedOrigins: []string{"https://app.example.com"}}
	}}, tweak...)...)
}

// jar is a browser's cookie jar, reduced to what these tests need: it
// keeps what responses set and drops what they expire.
type jar map[string]string

func (j jar) update(w *httptest.ResponseRecorder) {
	for _, ck := range setCookies(w) {
		if ck.MaxAge < 0 {
			delete(j, ck.Name)
		} else {
			j[ck.Name] = ck.Value
		}
	}
}

func (j jar) header(except ...string) []string {
	var parts []string
	for k, v := range j {
		skip := false
		for _, e := range except {
			skip = skip || e == k
		}
		if !skip {
			parts = append(parts, k+"="+v)
		}
	}
	return []string{"Cookie", strings.Join(parts, "; ")}
}

func setCookies(w *httptest.ResponseRecorder) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, ck := range (&http.Response{Header: w.Header()}).Cookies() {
		out[ck.Name] = ck
	}
	return out
}

// signinJar signs the fixture's user in and returns the browser's jar.
func (a *app) signinJar(t *testing.T) jar {
	t.Helper()
	w := do(t, a.r, "POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "Content-Type", "application/json")
	require.Equal(t, 200, w.Code, w.Body.String())
	j := jar{}
	j.update(w.ResponseRecorder)
	require.Len(t, j, 3)
	return j
}

func (a *app) sessionLive(t *testing.T, sid string) bool {
	t.Helper()
	s, err := a.store.Session(context.Background(), sid)
	require.NoError(t, err)
	return s.Live(time.Now())
}

func sidOf(j jar) string { return strings.SplitN(j[refreshCk], ".", 2)[0] }

func withHeaders(base []string, more ...string) []string {
	return append(append([]string{}, base...), more...)
}

func TestCookieSigninSetsThreeCookies(t *testing.T) {
	a := cookieApp(t)
	w := do(t, a.r, "POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "Content-Type", "application/json")
	require.Equal(t, 200, w.Code, w.Body.String())
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	cks := setCookies(w.ResponseRecorder)
	require.Len(t, cks, 3)

	acc, ref, csrf := cks[accessCk], cks[refreshCk], cks[csrfCk]
	require.NotNil(t, acc)
	require.NotNil(t, ref)
	require.NotNil(t, csrf)
	for _, ck := range []*http.Cookie{acc, ref, csrf} {
		assert.True(t, ck.Secure, "%s must be Secure", ck.Name)
		assert.Empty(t, ck.Domain, "%s is host-only by default", ck.Name)
	}
	assert.True(t, acc.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, acc.SameSite)
	assert.Equal(t, "/", acc.Path)
	assert.Equal(t, int(ginjwt.DefaultAccessTokenLifetime.Seconds()), acc.MaxAge)

	assert.True(t, ref.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ref.SameSite)
	assert.Equal(t, "/auth", ref.Path, "the refresh cookie's Path is where the routes are mounted")
	assert.Equal(t, int(ginjwt.DefaultRefreshTokenLifetime.Seconds()), ref.MaxAge)

	assert.False(t, csrf.HttpOnly, "scripts must read the CSRF cookie")
	assert.Equal(t, http.SameSiteStrictMode, csrf.SameSite)
	assert.Equal(t, "/", csrf.Path)
	assert.Equal(t, int(ginjwt.DefaultRefreshTokenLifetime.Seconds()), csrf.MaxAge)

	var body map[string]any
	w.decode(t, &body)
	assert.NotContains(t, body, "access_token")
	assert.NotContains(t, body, "refresh_token")
	assert.Equal(t, "Bearer", body["token_type"])
	assert.EqualValues(t, ginjwt.DefaultAccessTokenLifetime.Seconds(), body["expires_in"])
	assert.Equal(t, csrf.Value, body["csrf_token"])
	assert.GreaterOrEqual(t, len(csrf.Value), 43, "256 random bits")

	// The access cookie authenticates a GET without any CSRF token.
	j := jar{}
	j.update(w.ResponseRecorder)
	w = do(t, a.r, "GET", "/api/profile", nil, j.header()...)
	assert.Equal(t, 200, w.Code, w.Body.String())
}

func TestCookieModeOffChangesNothing(t *testing.T) {
	a := newApp(t)
	// Bodies are JSON whatever Content-Type says, and no cookies are set.
	w := do(t, a.r, "POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "Content-Type", "text/plain", "Origin", "https://evil.example")
	require.Equal(t, 200, w.Code, w.Body.String())
	assert.Empty(t, w.Header().Values("Set-Cookie"))
	var body map[string]any
	w.decode(t, &body)
	assert.NotEmpty(t, body["access_token"])
	assert.NotContains(t, body, "csrf_token")
}

func TestCookieTokensInBody(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.Cookies = &ginjwt.CookieConfig{TokensInBody: true} })
	w := do(t, a.r, "POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "Content-Type", "application/json")
	require.Equal(t, 200, w.Code)
	var body map[string]any
	w.decode(t, &body)
	assert.Equal(t, setCookies(w.ResponseRecorder)[accessCk].Value, body["access_token"])
	assert.Equal(t, setCookies(w.ResponseRecorder)[refreshCk].Value, body["refresh_token"])
	assert.NotEmpty(t, body["csrf_token"])
}

func TestCookieCSRF(t *testing.T) {
	a := cookieApp(t)
	j := a.signinJar(t)
	other := a.signinJar(t)
	sid := sidOf(j)

	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"missing", nil},
		{"wrong", []string{"X-CSRF-Token", "not-the-token"}},
		{"empty", []string{"X-CSRF-Token", ""}},
		{"another session's", []string{"X-CSRF-Token", other[csrfCk]}},
		{"in another header", []string{"X-XSRF-Token", j[csrfCk]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(), tc.headers...)...)
			assert.Equal(t, 403, w.Code, w.Body.String())
			assert.Equal(t, "CSRF token missing or incorrect", w.detail(t))
			assert.Empty(t, w.Header().Get("WWW-Authenticate"), "a CSRF 403 has no challenge")
			assert.Empty(t, w.Header().Values("Set-Cookie"))
			assert.True(t, a.sessionLive(t, sid), "a refused logout must not end the session")
		})
	}
	w := do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	assert.Equal(t, 204, w.Code, w.Body.String())
	assert.False(t, a.sessionLive(t, sid))
	assert.True(t, a.sessionLive(t, sidOf(other)))
}

func TestCookieCSRFHeaderNameConfigurable(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.Cookies = &ginjwt.CookieConfig{CSRFHeader: "X-XSRF-Token"} })
	j := a.signinJar(t)
	w := do(t, a.r, "POST", "/auth/logout-all", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	assert.Equal(t, 403, w.Code)
	w = do(t, a.r, "POST", "/auth/logout-all", nil, withHeaders(j.header(), "X-XSRF-Token", j[csrfCk])...)
	assert.Equal(t, 204, w.Code)
}

func TestCookieHeaderAuthNeedsNoCSRF(t *testing.T) {
	a := cookieApp(t)
	p := a.pair(t)
	// Even with a foreign Origin: the Authorization header is not
	// something a browser attaches by itself.
	w := do(t, a.r, "POST", "/auth/logout", nil, withHeaders(bearer(p.AccessToken), "Origin", "https://evil.example")...)
	assert.Equal(t, 204, w.Code, w.Body.String())
	// The body refresh of a header client works as before (JSON declared).
	p = a.pair(t)
	w = do(t, a.r, "POST", "/auth/refresh", `{"refresh_token":"`+p.RefreshToken+`"}`, "Content-Type", "application/json")
	assert.Equal(t, 200, w.Code, w.Body.String())
}

func TestCookieOriginCheckOnUnsafeRequests(t *testing.T) {
	a := cookieApp(t)
	for _, tc := range []struct {
		origin string
		want   int
	}{
		{"https://evil.example", 403},
		{"null", 403},
		{"http://example.com:8080", 403}, // same host name, another port
		{"https://app.example.com", 204}, // trusted
		{"https://APP.example.com:443", 204},
		{"http://example.com", 204}, // the server's own (httptest's Host is example.com)
	} {
		t.Run(tc.origin, func(t *testing.T) {
			j := a.signinJar(t)
			w := do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk], "Origin", tc.origin)...)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
			assert.Equal(t, tc.want == 204, !a.sessionLive(t, sidOf(j)))
			if tc.want == 403 {
				assert.Equal(t, "Origin not allowed", w.detail(t))
				assert.Empty(t, w.Header().Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("cross-site without Origin", func(t *testing.T) {
		j := a.signinJar(t)
		w := do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk], "Sec-Fetch-Site", "cross-site")...)
		assert.Equal(t, 403, w.Code)
	})
}

func TestCookieLoginCSRF(t *testing.T) {
	a := cookieApp(t)
	signin := `{"email":"ada@example.com","password":"correct horse battery"}`
	signup := func() string {
		return `{"email":"new` + randSuffix() + `@example.com","password":"correct horse battery"}`
	}
	for _, tc := range []struct {
		name, path, body string
		headers          []string
		want             int
	}{
		{"signin text/plain", "/auth/signin", signin, []string{"Content-Type", "text/plain"}, 415},
		{"signin form", "/auth/signin", signin, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"signin no Content-Type", "/auth/signin", signin, nil, 415},
		{"signin foreign origin", "/auth/signin", signin, []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, 403},
		{"signin trusted origin", "/auth/signin", signin, []string{"Content-Type", "application/json; charset=utf-8", "Origin", "https://app.example.com"}, 200},
		{"signin own origin", "/auth/signin", signin, []string{"Content-Type", "application/json", "Origin", "http://example.com"}, 200},
		{"signup text/plain", "/auth/signup", signup(), []string{"Content-Type", "text/plain"}, 415},
		{"signup foreign origin", "/auth/signup", signup(), []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, 403},
		{"signup json", "/auth/signup", signup(), []string{"Content-Type", "application/json"}, 201},
		{"refresh text/plain", "/auth/refresh", `{"refresh_token":"x.y"}`, []string{"Content-Type", "text/plain"}, 415},
		{"refresh foreign origin", "/auth/refresh", "", []string{"Origin", "https://evil.example"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			w := do(t, a.r, "POST", tc.path, body, tc.headers...)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.want >= 400 {
				assert.Empty(t, w.Header().Values("Set-Cookie"), "a refused request sets no cookie")
				assert.NotEmpty(t, w.detail(t))
			}
		})
	}
}

func randSuffix() string { return strings.ReplaceAll(time.Now().Format("150405.000000000"), ".", "") }

func TestCookieRefresh(t *testing.T) {
	a := cookieApp(t)
	j := a.signinJar(t)
	first := jar{}
	for k, v := range j {
		first[k] = v
	}

	// Bodiless: reads the cookie, needs the CSRF header.
	w := do(t, a.r, "POST", "/auth/refresh", nil, j.header()...)
	require.Equal(t, 403, w.Code, w.Body.String())
	w = do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(j.header(), "X-CSRF-Token", "nope")...)
	require.Equal(t, 403, w.Code, w.Body.String())
	// The refused attempts spent nothing.
	w = do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	require.Equal(t, 200, w.Code, w.Body.String())
	j.update(w.ResponseRecorder)
	var body map[string]any
	w.decode(t, &body)
	assert.NotContains(t, body, "refresh_token")
	assert.Equal(t, first[csrfCk], body["csrf_token"], "the CSRF token stays the same across refreshes")
	assert.Equal(t, first[csrfCk], j[csrfCk])
	assert.NotEqual(t, first[refreshCk], j[refreshCk], "rotated")
	assert.NotEqual(t, first[accessCk], j[accessCk])
	assert.Equal(t, "/auth", setCookies(w.ResponseRecorder)[refreshCk].Path)

	// The new cookies work; the CSRF token is unchanged.
	w = do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(j.header(), "X-CSRF-Token", first[csrfCk])...)
	require.Equal(t, 200, w.Code, w.Body.String())
	j.update(w.ResponseRecorder)

	// Reuse of the first refresh cookie revokes the session and clears.
	w = do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(first.header(), "X-CSRF-Token", first[csrfCk])...)
	assert.Equal(t, 401, w.Code, w.Body.String())
	assertCleared(t, w)
	assert.False(t, a.sessionLive(t, sidOf(first)))
	w = do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(j.header(), "X-CSRF-Token", first[csrfCk])...)
	assert.Equal(t, 401, w.Code, "the whole session is gone after reuse")

	// No cookie and no body.
	w = do(t, a.r, "POST", "/auth/refresh", nil)
	assert.Equal(t, 401, w.Code)
	assert.Equal(t, "Refresh token missing", w.detail(t))
}

func TestCookieRefreshConcurrentOneWins(t *testing.T) {
	a := cookieApp(t)
	j := a.signinJar(t)
	codes := make(chan int, 20)
	for range 20 {
		go func() {
			req := httptest.NewRequest("POST", "/auth/refresh", nil)
			req.Header.Set("Cookie", j.header()[1])
			req.Header.Set("X-CSRF-Token", j[csrfCk])
			w := httptest.NewRecorder()
			a.r.ServeHTTP(w, req)
			codes <- w.Code
		}()
	}
	count := map[int]int{}
	for range 20 {
		count[<-codes]++
	}
	assert.Equal(t, 1, count[200], "%v", count)
	assert.Equal(t, 19, count[401], "%v", count)
}

func assertCleared(t *testing.T, w response) {
	t.Helper()
	cks := setCookies(w.ResponseRecorder)
	for _, name := range []string{accessCk, refreshCk, csrfCk} {
		ck := cks[name]
		if assert.NotNil(t, ck, "%s must be cleared", name) {
			assert.Equal(t, -1, ck.MaxAge, "%s: Max-Age=0", name)
			assert.Empty(t, ck.Value)
			assert.True(t, ck.Secure)
		}
	}
	assert.Contains(t, strings.Join(w.Header().Values("Set-Cookie"), "\n"), "Max-Age=0")
	assert.Equal(t, "/auth", cks[refreshCk].Path, "cleared on the Path it was set on")
}

func TestCookieClearingRules(t *testing.T) {
	csrfOf := func(j jar) []string { return withHeaders(j.header(), "X-CSRF-Token", j[csrfCk]) }
	t.Run("logout", func(t *testing.T) {
		a := cookieApp(t)
		j := a.signinJar(t)
		w := do(t, a.r, "POST", "/auth/logout", nil, csrfOf(j)...)
		require.Equal(t, 204, w.Code)
		assertCleared(t, w)
	})
	t.Run("logout-all", func(t *testing.T) {
		a := cookieApp(t)
		j := a.signinJar(t)
		w := do(t, a.r, "POST", "/auth/logout-all", nil, csrfOf(j)...)
		require.Equal(t, 204, w.Code)
		assertCleared(t, w)
	})
	t.Run("deleting one's own session", func(t *testing.T) {
		a := cookieApp(t)
		j := a.signinJar(t)
		other := a.signinJar(t)
		w := do(t, a.r, "DELETE", "/auth/sessions/"+sidOf(other), nil, csrfOf(j)...)
		require.Equal(t, 204, w.Code)
		assert.Empty(t, w.Header().Values("Set-Cookie"), "deleting another session clears nothing")
		w = do(t, a.r, "DELETE", "/auth/sessions/"+sidOf(j), nil, csrfOf(j)...)
		require.Equal(t, 204, w.Code)
		assertCleared(t, w)
	})
	t.Run("401 for a revoked session", func(t *testing.T) {
		a := cookieApp(t)
		j := a.signinJar(t)
		require.NoError(t, a.auth.RevokeSession(context.Background(), sidOf(j)))
		w := do(t, a.r, "GET", "/api/profile", nil, j.header()...)
		require.Equal(t, 401, w.Code)
		assert.Contains(t, w.Header().Get("WWW-Authenticate"), `error="invalid_token"`)
		assertCleared(t, w)
	})
	t.Run("401 for an expired access token clears nothing", func(t *testing.T) {
		clk := newClock()
		a := cookieApp(t, func(c *ginjwt.Config[memstore.User]) { c.Now = clk.now })
		j := a.signinJar(t)
		clk.add(ginjwt.DefaultAccessTokenLifetime + ginjwt.DefaultLeeway + time.Second)
		w := do(t, a.r, "GET", "/api/profile", nil, j.header()...)
		require.Equal(t, 401, w.Code)
		assert.Equal(t, "Token has expired", w.detail(t))
		assert.NotEmpty(t, w.Header().Get("WWW-Authenticate"))
		assert.Empty(t, w.Header().Values("Set-Cookie"))
		// And the client can still refresh.
		w = do(t, a.r, "POST", "/auth/refresh", nil, csrfOf(j)...)
		assert.Equal(t, 200, w.Code, w.Body.String())
	})
}

func TestCookieLogoutFallsBackToRefreshCookie(t *testing.T) {
	t.Run("access cookie gone", func(t *testing.T) {
		a := cookieApp(t)
		j := a.signinJar(t)
		w := do(t, a.r, "POST", "/auth/logout", nil, j.header(accessCk)...)
		assert.Equal(t, 403, w.Code, "the CSRF header is needed this way too")
		assert.True(t, a.sessionLive(t, sidOf(j)))
		w = do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(accessCk), "X-CSRF-Token", j[csrfCk], "Origin", "https://evil.example")...)
		assert.Equal(t, 403, w.Code, "and the Origin check")
		w = do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(accessCk), "X-CSRF-Token", j[csrfCk])...)
		require.Equal(t, 204, w.Code, w.Body.String())
		assertCleared(t, w)
		assert.False(t, a.sessionLive(t, sidOf(j)))
		w = do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(j.header(accessCk), "X-CSRF-Token", j[csrfCk])...)
		assert.Equal(t, 401, w.Code, "the refresh cookie is dead")
	})
	t.Run("access cookie expired", func(t *testing.T) {
		clk := newClock()
		a := cookieApp(t, func(c *ginjwt.Config[memstore.User]) { c.Now = clk.now })
		j := a.signinJar(t)
		clk.add(ginjwt.DefaultAccessTokenLifetime + ginjwt.DefaultLeeway + time.Second)
		w := do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
		require.Equal(t, 204, w.Code, w.Body.String())
		assert.False(t, a.sessionLive(t, sidOf(j)))
	})
	t.Run("a spent refresh cookie is reuse", func(t *testing.T) {
		a := cookieApp(t)
		j := a.signinJar(t)
		old := j[refreshCk]
		w := do(t, a.r, "POST", "/auth/refresh", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
		require.Equal(t, 200, w.Code)
		j[refreshCk] = old
		w = do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(accessCk), "X-CSRF-Token", j[csrfCk])...)
		assert.Equal(t, 401, w.Code)
		assert.NotEmpty(t, w.Header().Get("WWW-Authenticate"))
		assertCleared(t, w)
		assert.False(t, a.sessionLive(t, sidOf(j)))
		assert.Contains(t, a.kinds(), ginjwt.EventRefreshReuse)
	})
}

func TestCookieTossingRefused(t *testing.T) {
	for _, name := range []string{accessCk, refreshCk, csrfCk} {
		t.Run(name, func(t *testing.T) {
			a := cookieApp(t)
			j := a.signinJar(t)
			tossed := withHeaders(nil, "Cookie", j.header()[1]+"; "+name+"=planted-by-a-sibling", "X-CSRF-Token", j[csrfCk])
			for _, path := range []string{"/api/profile", "/auth/me"} {
				w := do(t, a.r, "GET", path, nil, tossed...)
				assert.Equal(t, 401, w.Code, path)
				assert.NotEmpty(t, w.Header().Get("WWW-Authenticate"))
				assertCleared(t, w)
			}
			w := do(t, a.r, "POST", "/auth/refresh", nil, tossed...)
			assert.Equal(t, 401, w.Code)
			assertCleared(t, w)
			w = do(t, a.r, "POST", "/auth/logout", nil, tossed...)
			assert.Equal(t, 401, w.Code)
			assert.True(t, a.sessionLive(t, sidOf(j)), "nothing was done in the tossed request's name")
		})
	}
}

func TestCookiePasswordChangeSetsNewCookies(t *testing.T) {
	a := cookieApp(t)
	j := a.signinJar(t)
	w := do(t, a.r, "POST", "/auth/password", `{"current_password":"correct horse battery","new_password":"another good password"}`, j.header()...)
	require.Equal(t, 403, w.Code, "CSRF applies to password change by cookie")
	w = do(t, a.r, "POST", "/auth/password", `{"current_password":"correct horse battery","new_password":"another good password"}`, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	require.Equal(t, 200, w.Code, w.Body.String())
	old := j[csrfCk]
	j.update(w.ResponseRecorder)
	assert.NotEqual(t, old, j[csrfCk], "a new session, a new CSRF token")
	w = do(t, a.r, "GET", "/auth/me", nil, j.header()...)
	assert.Equal(t, 200, w.Code)
}

// A restart, or another instance over the same store, accepts the CSRF
// token: it lives with the session, not in the process.
func TestCookieCSRFSurvivesRestart(t *testing.T) {
	a := cookieApp(t)
	j := a.signinJar(t)
	r := gin.New()
	cfg := a.cfg
	cfg.CacheTTL = -1
	ginjwt.Mount(r.Group("/auth"), cfg)
	w := do(t, r, "POST", "/auth/refresh", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	require.Equal(t, 200, w.Code, w.Body.String())
	j.update(w.ResponseRecorder)
	w = do(t, r, "POST", "/auth/logout", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	assert.Equal(t, 204, w.Code, w.Body.String())
}

func TestCookieConfigValidation(t *testing.T) {
	store := memstore.New()
	base := ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store, Sessions: store}
	for _, tc := range []struct {
		name  string
		cc    ginjwt.CookieConfig
		field string
	}{
		{"host prefix with domain", ginjwt.CookieConfig{Domain: "example.com", AccessName: "__Host-a"}, "Cookies.AccessName"},
		{"bad name", ginjwt.CookieConfig{CSRFName: "a b"}, "Cookies.CSRFName"},
		{"same names", ginjwt.CookieConfig{AccessName: "x", RefreshName: "x"}, "Cookies"},
		{"bad SameSite", ginjwt.CookieConfig{SameSite: http.SameSiteDefaultMode}, "Cookies.SameSite"},
		{"bad origin", ginjwt.CookieConfig{TrustedOrigins: []string{"https://app.example.com/path"}}, "Cookies.TrustedOrigins"},
		{"not an origin", ginjwt.CookieConfig{TrustedOrigins: []string{"*"}}, "Cookies.TrustedOrigins"},
		{"relative refresh path", ginjwt.CookieConfig{RefreshPath: "auth"}, "Cookies.RefreshPath"},
		{"host-prefixed refresh cookie off /", ginjwt.CookieConfig{RefreshName: "__Host-r"}, "Cookies.RefreshName"},
		{"bad header", ginjwt.CookieConfig{CSRFHeader: "X CSRF"}, "Cookies.CSRFHeader"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			cc := tc.cc
			cfg.Cookies = &cc
			_, err := ginjwt.Compile(cfg)
			require.ErrorIs(t, err, ginjwt.ErrConfig)
			assert.Contains(t, err.Error(), "Config."+tc.field+":")
		})
	}
	t.Run("CSRF needs Sessions", func(t *testing.T) {
		cfg := ginjwt.Config[memstore.User]{SigningKey: testKey, Users: store, Cookies: &ginjwt.CookieConfig{}}
		_, err := ginjwt.Compile(cfg)
		require.ErrorIs(t, err, ginjwt.ErrConfig)
		cfg.Cookies.DisableCSRF = true
		_, err = ginjwt.Compile(cfg)
		require.NoError(t, err)
	})
}

func TestCookieDomainSwitchesToSecurePrefix(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.Cookies = &ginjwt.CookieConfig{Domain: "example.com", SameSite: http.SameSiteStrictMode, RefreshPath: "/"}
	})
	w := do(t, a.r, "POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "Content-Type", "application/json")
	require.Equal(t, 200, w.Code)
	cks := setCookies(w.ResponseRecorder)
	for _, name := range []string{"__Secure-access_token", "__Secure-refresh_token", "__Secure-csrf_token"} {
		require.NotNil(t, cks[name], name)
		assert.Equal(t, "example.com", cks[name].Domain)
	}
	assert.Equal(t, http.SameSiteStrictMode, cks["__Secure-access_token"].SameSite)
	assert.Equal(t, "/", cks["__Secure-refresh_token"].Path)
}

// CookieExtractor alone, for apps that mint their own cookies.
func TestCookieExtractorAlone(t *testing.T) {
	f := newFixture(t)
	p := f.pair(t)
	f.cfg.Extractors = []ginjwt.Extractor{ginjwt.CookieExtractor("session")}
	r := engine[memstore.User](ginjwt.New(f.cfg))
	w := do(t, r, "GET", "/api/me", nil, "Cookie", "session="+p.AccessToken)
	assert.Equal(t, 200, w.Code, w.Body.String())
	w = do(t, r, "GET", "/api/me", nil, "Cookie", "session="+p.AccessToken+"; session=x")
	assert.Equal(t, 401, w.Code, "two cookies of one name are refused")
	w = do(t, r, "GET", "/api/me", nil, bearer(p.AccessToken)...)
	assert.Equal(t, 401, w.Code, "only the cookie is read")
}

// SetCookies and ClearCookies serve sign-in flows of the application's own.
func TestSetCookiesForOwnFlows(t *testing.T) {
	a := cookieApp(t)
	a.r.POST("/magic", func(c *gin.Context) {
		p, err := a.auth.IssueTokens(c.Request.Context(), a.user, ginjwt.Client{})
		require.NoError(t, err)
		a.auth.SetCookies(c, p)
		c.Status(204)
	})
	w := do(t, a.r, "POST", "/magic", nil)
	require.Equal(t, 204, w.Code)
	j := jar{}
	j.update(w.ResponseRecorder)
	require.Len(t, j, 3)
	w = do(t, a.r, "POST", "/auth/logout", nil, withHeaders(j.header(), "X-CSRF-Token", j[csrfCk])...)
	assert.Equal(t, 204, w.Code)
}
