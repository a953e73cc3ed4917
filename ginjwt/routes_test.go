package ginjwt_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// app is the auth routes under /auth and a protected /api group, as the
// example server mounts them.
type app struct {
	*fixture
	r      *gin.Engine
	auth   *ginjwt.Auth[memstore.User]
	events []ginjwt.Event
	mu     sync.Mutex
}

func newApp(t *testing.T, tweak ...func(*ginjwt.Config[memstore.User])) *app {
	t.Helper()
	a := &app{fixture: newFixture(t)}
	a.cfg.OnEvent = func(_ context.Context, e ginjwt.Event) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.events = append(a.events, e)
	}
	for _, f := range tweak {
		f(&a.cfg)
	}
	a.r = gin.New()
	a.auth = ginjwt.Mount(a.r.Group("/auth"), a.cfg)
	api := a.r.Group("/api", ginjwt.New(a.cfg))
	api.GET("/profile", func(c *gin.Context) {
		u, _ := ginjwt.CurrentUser[memstore.User](c)
		c.JSON(200, u)
	})
	return a
}

func (a *app) kinds() []ginjwt.EventKind {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []ginjwt.EventKind
	for _, e := range a.events {
		out = append(out, e.Kind)
	}
	return out
}

func (a *app) signin(t *testing.T, email, pw string) ginjwt.TokenPair {
	t.Helper()
	w := do(t, a.r, "POST", "/auth/signin", map[string]string{"email": email, "password": pw})
	require.Equal(t, 200, w.Code, w.Body.String())
	var p ginjwt.TokenPair
	w.decode(t, &p)
	return p
}

func (a *app) refresh(t *testing.T, rt string) response {
	t.Helper()
	return do(t, a.r, "POST", "/auth/refresh", map[string]string{"refresh_token": rt})
}

const adaPassword = "correct horse battery"

func TestSignup(t *testing.T) {
	a := newApp(t)
	w := do(t, a.r, "POST", "/auth/signup", `{"email":"  Grace@Example.COM ","password":"longenough","username":"grace","is_staff":true,"is_active":false,"id":"chosen"}`)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	var u map[string]any
	w.decode(t, &u)
	assert.Equal(t, "Grace@Example.COM", u["email"], "returned as given, trimmed")
	assert.Equal(t, "grace", u["username"])
	assert.Equal(t, "", u["first_name"])
	assert.Equal(t, true, u["is_active"], "no mass assignment")
	assert.Equal(t, false, u["is_staff"], "no mass assignment")
	assert.NotEqual(t, "chosen", u["id"])
	assert.IsType(t, "", u["id"])
	assert.NotContains(t, w.Body.String(), "argon2", "never the hash")
	assert.NotContains(t, w.Body.String(), "password")

	tests := []struct {
		name   string
		body   string
		status int
		detail string
	}{
		{"duplicate, other case", `{"email":"grace@example.com","password":"longenough"}`, 409, "A user with that email already exists"},
		{"missing email", `{"password":"longenough"}`, 400, "email is required"},
		{"missing password", `{"email":"x@example.com"}`, 400, "password is required"},
		{"email a number", `{"email":5,"password":"longenough"}`, 400, "email must be a string"},
		{"email an object", `{"email":{"$ne":null},"password":"longenough"}`, 400, "email must be a string"},
		{"display name", `{"email":"Grace <g@example.com>","password":"longenough"}`, 400, "Enter a valid email address"},
		{"not an email", `{"email":"grace","password":"longenough"}`, 400, "Enter a valid email address"},
		{"short password", `{"email":"y@example.com","password":"short"}`, 400, ""},
		{"long password", `{"email":"y@example.com","password":"` + strings.Repeat("p", 257) + `"}`, 400, ""},
		{"NUL in a name", `{"email":"y@example.com","password":"longenough","first_name":"a\u0000b"}`, 400, "first_name must not contain NUL characters"},
		{"malformed JSON", `{"email":`, 400, "Malformed JSON"},
		{"trailing data", `{"email":"y@example.com","password":"longenough"} {}`, 400, "Malformed JSON"},
		{"an array", `[]`, 400, "Request body must be a JSON object"},
		{"empty body", ``, 400, "Request body must be a JSON object"},
		{"null", `null`, 400, "email is required"},
		{"too large", `{"email":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "Request body too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := do(t, a.r, "POST", "/auth/signup", tc.body)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			if tc.detail != "" {
				assert.Equal(t, tc.detail, w.detail(t))
			} else {
				assert.NotEmpty(t, w.detail(t))
			}
		})
	}
}

func TestSignupParsesJSONWhateverTheContentType(t *testing.T) {
	a := newApp(t)
	w := do(t, a.r, "POST", "/auth/signup", `{"email":"form@example.com","password":"longenough"}`,
		"Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, 201, w.Code, w.Body.String())
}

func TestSigninAndMe(t *testing.T) {
	a := newApp(t)
	w := do(t, a.r, "POST", "/auth/signin", map[string]string{"email": " ADA@example.com", "password": adaPassword})
	require.Equal(t, 200, w.Code, w.Body.String())
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	var p ginjwt.TokenPair
	w.decode(t, &p)
	assert.Equal(t, "Bearer", p.TokenType)
	assert.EqualValues(t, 900, p.ExpiresIn)
	assert.NotEmpty(t, p.RefreshToken)

	for _, path := range []string{"/auth/me", "/api/profile"} {
		w = do(t, a.r, "GET", path, nil, bearer(p.AccessToken)...)
		require.Equal(t, 200, w.Code, w.Body.String())
		var u map[string]any
		w.decode(t, &u)
		assert.Equal(t, a.user.ID, u["id"])
		assert.Equal(t, "Ada@Example.com", u["email"])
		assert.NotContains(t, w.Body.String(), "argon2")
	}
	stored, err := a.store.FindUserByID(context.Background(), a.user.ID)
	require.NoError(t, err)
	assert.NotNil(t, stored.LastLogin, "last_login recorded")
	assert.Contains(t, a.kinds(), ginjwt.EventSignIn)
}

func TestSigninFailuresLookAlike(t *testing.T) {
	a := newApp(t)
	ghost, err := a.store.CreateUser(context.Background(), ginjwt.NewUser{Email: "off@example.com", NormalizedEmail: "off@example.com", PasswordHash: a.user.PasswordHash})
	require.NoError(t, err)
	require.NoError(t, a.store.SetActive(ghost.ID, false))
	var bodies []string
	for _, creds := range [][2]string{
		{"nobody@example.com", adaPassword},            // unknown email
		{"ada@example.com", "wrong password"},          // wrong password
		{"off@example.com", adaPassword},               // inactive user, right password
		{"ada@example.com", strings.Repeat("x", 5000)}, // any length is just wrong
	} {
		w := do(t, a.r, "POST", "/auth/signin", map[string]string{"email": creds[0], "password": creds[1]})
		assert.Equal(t, 401, w.Code)
		bodies = append(bodies, w.Body.String())
	}
	for _, b := range bodies {
		assert.Equal(t, bodies[0], b)
	}
	assert.JSONEq(t, `{"detail":"Invalid email or password"}`, bodies[0])
	assert.Contains(t, a.kinds(), ginjwt.EventSignInFailed)
}

func TestSigninThrottle(t *testing.T) {
	a := newApp(t)
	clk := newClock()
	a2 := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.Now = clk.now })
	_ = a
	signin := func(email, pw, ip string) response {
		req := map[string]string{"email": email, "password": pw}
		return doFrom(t, a2.r, ip, "POST", "/auth/signin", req)
	}
	for i := 0; i < 10; i++ {
		require.Equal(t, 401, signin("ada@example.com", "wrong", "10.0.0.1").Code)
	}
	w := signin("ada@example.com", adaPassword, "10.0.0.1")
	require.Equal(t, 429, w.Code, "the 11th attempt is refused even with the right password")
	assert.Equal(t, "900", w.Header().Get("Retry-After"))
	assert.NotEmpty(t, w.detail(t))
	assert.Equal(t, 200, signin("ada@example.com", adaPassword, "10.0.0.2").Code, "another client is not locked out")

	for i := 0; i < 10; i++ {
		require.Equal(t, 401, signin("nobody@example.com", "wrong", "10.0.0.1").Code)
	}
	assert.Equal(t, 429, signin("nobody@example.com", "wrong", "10.0.0.1").Code, "unknown emails count like known ones")

	clk.add(15*time.Minute + time.Second)
	assert.Equal(t, 200, signin("ada@example.com", adaPassword, "10.0.0.1").Code, "the window has passed")
	for i := 0; i < 9; i++ {
		require.Equal(t, 401, signin("ada@example.com", "wrong", "10.0.0.1").Code)
	}
	assert.Equal(t, 200, signin("ada@example.com", adaPassword, "10.0.0.1").Code)
	assert.Equal(t, 401, signin("ada@example.com", "wrong", "10.0.0.1").Code, "a success resets the count")
	assert.Contains(t, a2.kinds(), ginjwt.EventThrottled)
}

// doFrom sends a request from the given client address.
func doFrom(t *testing.T, h http.Handler, ip, method, path string, body any, headers ...string) response {
	t.Helper()
	return do(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = ip + ":40000"
		h.ServeHTTP(w, r)
	}), method, path, body, headers...)
}

func TestRefreshRotationAndReuse(t *testing.T) {
	a := newApp(t)
	p1 := a.signin(t, "ada@example.com", adaPassword)

	w := a.refresh(t, p1.RefreshToken)
	require.Equal(t, 200, w.Code, w.Body.String())
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	var p2 ginjwt.TokenPair
	w.decode(t, &p2)
	assert.NotEqual(t, p1.RefreshToken, p2.RefreshToken)
	assert.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(p2.AccessToken)...).Code)

	// The old token again: theft assumed, the whole session dies.
	w = a.refresh(t, p1.RefreshToken)
	assert.Equal(t, 401, w.Code)
	assert.Contains(t, w.detail(t), "already been used")
	assert.Equal(t, 401, a.refresh(t, p2.RefreshToken).Code, "the family is revoked")
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p2.AccessToken)...).Code, "its access tokens too, at once")
	assert.Contains(t, a.kinds(), ginjwt.EventRefreshReuse)

	for name, body := range map[string]string{
		"unknown":         `{"refresh_token":"nope"}`,
		"an access token": `{"refresh_token":"` + p2.AccessToken + `"}`,
		"missing":         `{}`,
		"wrong type":      `{"refresh_token":["a"]}`,
		"huge":            `{"refresh_token":"` + strings.Repeat("a", 10000) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			w := do(t, a.r, "POST", "/auth/refresh", body)
			assert.Contains(t, []int{400, 401}, w.Code, w.Body.String())
		})
	}
	p3 := a.signin(t, "ada@example.com", adaPassword)
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p3.RefreshToken)...).Code, "a refresh token is no access token")
}

func TestRefreshGraceIssuesASibling(t *testing.T) {
	clk := newClock()
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.RefreshReuseGrace = 10 * time.Second; c.Now = clk.now })
	p1 := a.signin(t, "ada@example.com", adaPassword)
	require.Equal(t, 200, a.refresh(t, p1.RefreshToken).Code)
	clk.add(5 * time.Second)
	w := a.refresh(t, p1.RefreshToken)
	require.Equal(t, 200, w.Code, "within the grace window")
	var sibling ginjwt.TokenPair
	w.decode(t, &sibling)
	require.Equal(t, 200, a.refresh(t, sibling.RefreshToken).Code, "the sibling works")
	clk.add(10 * time.Second)
	assert.Equal(t, 401, a.refresh(t, p1.RefreshToken).Code, "after the window it is reuse")
}

func TestLogoutRevokesAtOnce(t *testing.T) {
	a := newApp(t)
	p1 := a.signin(t, "ada@example.com", adaPassword)
	p2 := a.signin(t, "ada@example.com", adaPassword)
	require.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(p1.AccessToken)...).Code) // cached as live

	assert.Equal(t, 204, do(t, a.r, "POST", "/auth/logout", nil, bearer(p1.AccessToken)...).Code)
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p1.AccessToken)...).Code, "seen by the middleware at once")
	assert.Equal(t, 401, a.refresh(t, p1.RefreshToken).Code)
	assert.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(p2.AccessToken)...).Code, "other sessions live on")

	assert.Equal(t, 204, do(t, a.r, "POST", "/auth/logout-all", nil, bearer(p2.AccessToken)...).Code)
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p2.AccessToken)...).Code)
	assert.Equal(t, 401, a.refresh(t, p2.RefreshToken).Code)
	assert.Equal(t, 401, do(t, a.r, "POST", "/auth/logout", nil).Code)
}

func TestPasswordChange(t *testing.T) {
	a := newApp(t)
	old := a.signin(t, "ada@example.com", adaPassword)
	other := a.signin(t, "ada@example.com", adaPassword)
	change := func(tok, cur, next string) response {
		return do(t, a.r, "POST", "/auth/password", map[string]string{"current_password": cur, "new_password": next}, bearer(tok)...)
	}
	assert.Equal(t, 401, change(old.AccessToken, "wrong", "a new password").Code)
	assert.Equal(t, 400, change(old.AccessToken, adaPassword, "short").Code)
	w := change(old.AccessToken, adaPassword, "a new password")
	require.Equal(t, 200, w.Code, w.Body.String())
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	var fresh ginjwt.TokenPair
	w.decode(t, &fresh)

	for _, p := range []ginjwt.TokenPair{old, other} {
		assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)
		assert.Equal(t, 401, a.refresh(t, p.RefreshToken).Code)
	}
	assert.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(fresh.AccessToken)...).Code)
	assert.Equal(t, 200, a.refresh(t, fresh.RefreshToken).Code)
	assert.Equal(t, 401, do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": adaPassword}).Code)
	a.signin(t, "ada@example.com", "a new password")
}

func TestPasswordChangeIsThrottled(t *testing.T) {
	a := newApp(t)
	p := a.signin(t, "ada@example.com", adaPassword)
	body := map[string]string{"current_password": "wrong", "new_password": "a new password"}
	for i := 0; i < 10; i++ {
		require.Equal(t, 401, do(t, a.r, "POST", "/auth/password", body, bearer(p.AccessToken)...).Code)
	}
	body["current_password"] = adaPassword
	w := do(t, a.r, "POST", "/auth/password", body, bearer(p.AccessToken)...)
	assert.Equal(t, 429, w.Code)
	assert.NotEmpty(t, w.Header().Get("Retry-After"))
}

func TestSessions(t *testing.T) {
	a := newApp(t)
	first := a.signin(t, "ada@example.com", adaPassword)
	second := a.signin(t, "ada@example.com", adaPassword)
	w := do(t, a.r, "GET", "/auth/sessions", nil, bearer(second.AccessToken)...)
	require.Equal(t, 200, w.Code, w.Body.String())
	var list []map[string]any
	w.decode(t, &list)
	require.Len(t, list, 2)
	for _, s := range list {
		for _, k := range []string{"id", "created_at", "last_used_at", "user_agent", "ip", "current"} {
			assert.Contains(t, s, k)
		}
		_, err := time.Parse(time.RFC3339, s["created_at"].(string))
		assert.NoError(t, err)
		assert.True(t, strings.HasSuffix(s["created_at"].(string), "Z"), "UTC")
	}
	secondClaims, err := a.auth.ParseAccessToken(second.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, secondClaims.SessionID, list[0]["id"], "newest first")
	assert.Equal(t, true, list[0]["current"])
	assert.Equal(t, false, list[1]["current"])

	// Someone else's session, or garbage: 404.
	other, err := a.store.CreateUser(context.Background(), ginjwt.NewUser{Email: "eve@example.com", NormalizedEmail: "eve@example.com", PasswordHash: a.user.PasswordHash})
	require.NoError(t, err)
	eve, err := a.auth.IssueTokens(context.Background(), other, ginjwt.Client{})
	require.NoError(t, err)
	for _, id := range []string{secondClaims.SessionID, "nope", "%00", strings.Repeat("x", 300)} {
		assert.Equal(t, 404, do(t, a.r, "DELETE", "/auth/sessions/"+id, nil, bearer(eve.AccessToken)...).Code, id)
	}

	firstID := list[1]["id"].(string)
	assert.Equal(t, 204, do(t, a.r, "DELETE", "/auth/sessions/"+firstID, nil, bearer(second.AccessToken)...).Code)
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(first.AccessToken)...).Code)
	assert.Equal(t, 404, do(t, a.r, "DELETE", "/auth/sessions/"+firstID, nil, bearer(second.AccessToken)...).Code, "no longer live")
	assert.Equal(t, 204, do(t, a.r, "DELETE", "/auth/sessions/"+secondClaims.SessionID, nil, bearer(second.AccessToken)...).Code, "deleting your current session is a logout")
	assert.Equal(t, 401, do(t, a.r, "GET", "/auth/sessions", nil, bearer(second.AccessToken)...).Code)
}

func TestMountedRoutesStayPublicUnderGlobalMiddleware(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.Use(ginjwt.New(f.cfg))
	ginjwt.Mount(r.Group("/auth"), f.cfg)
	r.GET("/private", func(c *gin.Context) { c.Status(200) })
	w := do(t, r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": adaPassword})
	require.Equal(t, 200, w.Code, w.Body.String())
	var p ginjwt.TokenPair
	w.decode(t, &p)
	assert.Equal(t, 401, do(t, r, "GET", "/auth/me", nil).Code, "mounted routes still authenticate themselves")
	assert.Equal(t, 200, do(t, r, "GET", "/auth/me", nil, bearer(p.AccessToken)...).Code)
	assert.Equal(t, 401, do(t, r, "GET", "/private", nil).Code)
	assert.Equal(t, 204, do(t, r, "POST", "/auth/logout", nil, bearer(p.AccessToken)...).Code)
	assert.Equal(t, 401, do(t, r, "GET", "/private", nil, bearer(p.AccessToken)...).Code, "one runtime state")
}

func TestGoAPIRevocation(t *testing.T) {
	a := newApp(t)
	p := a.signin(t, "ada@example.com", adaPassword)
	require.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)
	// A separately compiled Auth over the same stores, as an admin tool in
	// the same process would use.
	admin := ginjwt.MustCompile(a.cfg)
	n, err := admin.RevokeUser(context.Background(), a.user.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)

	p = a.signin(t, "ada@example.com", adaPassword)
	claims, err := admin.ParseAccessToken(p.AccessToken)
	require.NoError(t, err)
	require.NoError(t, admin.RevokeSession(context.Background(), claims.SessionID))
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)
	assert.ErrorIs(t, admin.RevokeSession(context.Background(), "nope"), ginjwt.ErrSessionNotFound)
}

func TestRevocationFromAnotherInstanceWithinCacheTTL(t *testing.T) {
	clk := newClock()
	tweak := func(c *ginjwt.Config[memstore.User]) { c.Now = clk.now }
	a := newApp(t, tweak)
	p := a.signin(t, "ada@example.com", adaPassword)
	require.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)

	// Another instance shares the store but not the process: it revokes in
	// the store directly.
	claims, err := a.auth.ParseAccessToken(p.AccessToken)
	require.NoError(t, err)
	require.NoError(t, a.store.RevokeSession(context.Background(), claims.SessionID, clk.now()))
	clk.add(ginjwt.DefaultCacheTTL)
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code, "seen within the cache bound")
}

func TestMountRequiresSessions(t *testing.T) {
	f := newFixture(t)
	f.cfg.Sessions = nil
	assert.PanicsWithValue(t, "ginjwt: Config.Sessions: a SessionStore is required to mount the auth routes", func() {
		ginjwt.Mount(gin.New().Group("/auth"), f.cfg)
	})
}

func TestThrottleHoldsUnderParallelGuesses(t *testing.T) {
	a := newApp(t)
	const n = 30
	codes := make(chan int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes <- do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong"}).Code
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	assert.Equal(t, map[int]int{401: 10, 429: n - 10}, count, "the check and the count are one step")
}

func TestRefreshFailureBeforeRotationDoesNotSpendTheToken(t *testing.T) {
	fail := true
	var mu sync.Mutex
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.ExtraClaims = func(context.Context, memstore.User) (map[string]any, error) {
			mu.Lock()
			defer mu.Unlock()
			if fail {
				return nil, errors.New("claims service down")
			}
			return nil, nil
		}
	})
	mu.Lock()
	fail = false
	mu.Unlock()
	p := a.signin(t, "ada@example.com", adaPassword)
	mu.Lock()
	fail = true
	mu.Unlock()
	assert.Equal(t, 503, a.refresh(t, p.RefreshToken).Code)
	mu.Lock()
	fail = false
	mu.Unlock()
	assert.Equal(t, 200, a.refresh(t, p.RefreshToken).Code, "the retry is not taken for a reuse")
}

func TestCacheTTLIsPerConfig(t *testing.T) {
	f := newFixture(t)
	cached := engine[memstore.User](ginjwt.New(f.cfg))
	uncachedCfg := f.cfg
	uncachedCfg.CacheTTL = -1
	uncached := engine[memstore.User](ginjwt.New(uncachedCfg))
	tok := f.pair(t).AccessToken
	require.Equal(t, 200, do(t, cached, "GET", "/api/me", nil, bearer(tok)...).Code)
	require.Equal(t, 200, do(t, uncached, "GET", "/api/me", nil, bearer(tok)...).Code)
	require.NoError(t, f.store.SetActive(f.user.ID, false)) // behind ginjwt's back
	assert.Equal(t, 401, do(t, uncached, "GET", "/api/me", nil, bearer(tok)...).Code, "CacheTTL -1 reads the store every time")
	assert.Equal(t, 200, do(t, cached, "GET", "/api/me", nil, bearer(tok)...).Code, "the other config still trusts its cache")
}

func TestOnlyMountedMethodsAreLeftAlone(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.Use(ginjwt.New(f.cfg))
	g := r.Group("/auth")
	ginjwt.Mount(g, f.cfg)
	g.GET("/signin", func(c *gin.Context) { c.String(200, "a page of the app's own") })
	assert.Equal(t, 401, do(t, r, "GET", "/auth/signin", nil).Code, "GET /auth/signin is not a mounted route")
}

// flakyUsers fails every e-mail look-up while down is set.
type flakyUsers struct {
	*memstore.Store
	mu   sync.Mutex
	down bool
}

func (f *flakyUsers) FindUserByEmail(ctx context.Context, email string) (memstore.User, error) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return memstore.User{}, errors.New("connection refused")
	}
	return f.Store.FindUserByEmail(ctx, email)
}

func TestAnOutageDoesNotUseUpSignInAttempts(t *testing.T) {
	f := newFixture(t)
	users := &flakyUsers{Store: f.store, down: true}
	f.cfg.Users = users
	r := gin.New()
	ginjwt.Mount(r.Group("/auth"), f.cfg)
	creds := map[string]string{"email": "ada@example.com", "password": adaPassword}
	for range 15 {
		require.Equal(t, 503, do(t, r, "POST", "/auth/signin", creds).Code)
	}
	users.mu.Lock()
	users.down = false
	users.mu.Unlock()
	assert.Equal(t, 200, do(t, r, "POST", "/auth/signin", creds).Code, "503s are not attempts")
}

func TestRefreshOfADeactivatedUserEndsTheSession(t *testing.T) {
	a := newApp(t)
	p := a.signin(t, "ada@example.com", adaPassword)
	require.NoError(t, a.store.SetActive(a.user.ID, false))
	assert.Equal(t, 401, a.refresh(t, p.RefreshToken).Code)
	require.NoError(t, a.store.SetActive(a.user.ID, true))
	a.auth.InvalidateUser(a.user.ID)
	assert.Equal(t, 401, a.refresh(t, p.RefreshToken).Code, "reactivation does not bring the session back")
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)
}

func TestSigninPurgesExpiredSessionsInTheBackground(t *testing.T) {
	clk := newClock()
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.Now = clk.now
		c.PurgeInterval = time.Hour
	})
	old := a.signin(t, "ada@example.com", adaPassword) // the first sign-in purges nothing yet
	oldClaims, err := a.auth.ParseAccessToken(old.AccessToken)
	require.NoError(t, err)
	clk.add(ginjwt.DefaultRefreshTokenLifetime + 2*time.Hour) // the session has expired, the interval passed
	a.signin(t, "ada@example.com", adaPassword)
	require.Eventually(t, func() bool {
		_, err := a.store.Session(context.Background(), oldClaims.SessionID)
		return errors.Is(err, ginjwt.ErrSessionNotFound)
	}, 10*time.Second, 10*time.Millisecond, "the expired session is deleted by the purge a sign-in starts")
}
