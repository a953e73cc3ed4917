package ginjwt_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// hookLog records which hooks ran, in order.
type hookLog struct {
	mu    sync.Mutex
	calls []string
}

func (h *hookLog) add(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, s)
}

func (h *hookLog) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.calls
	h.calls = nil
	return out
}

func TestHooksRunInOrderAndDecide(t *testing.T) {
	var log hookLog
	banned := map[string]bool{}
	var mu sync.Mutex
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.Hooks = ginjwt.Hooks[memstore.User]{
			BeforeSignup: func(_ context.Context, u *memstore.User) error {
				log.add("BeforeSignup")
				if strings.HasSuffix(u.EmailNormalized, "@closed.example") {
					return ginjwt.Reject(http.StatusForbidden, "Signups from this domain are closed")
				}
				if u.FirstName == "" {
					u.FirstName = "Newcomer" // a default
				}
				return nil
			},
			AfterSignup: func(_ context.Context, u memstore.User) error {
				log.add("AfterSignup")
				return errors.New("the welcome mail failed") // logged only
			},
			CanSignIn: func(_ context.Context, u memstore.User) error {
				log.add("CanSignIn")
				mu.Lock()
				defer mu.Unlock()
				if banned[u.ID] {
					return ginjwt.Reject(http.StatusForbidden, "This account is suspended")
				}
				return nil
			},
			AfterSignIn:         func(context.Context, memstore.User) error { log.add("AfterSignIn"); return nil },
			AfterRefresh:        func(context.Context, memstore.User) error { log.add("AfterRefresh"); return nil },
			AfterLogout:         func(context.Context, memstore.User, string) error { log.add("AfterLogout"); return nil },
			AfterLogoutAll:      func(context.Context, memstore.User) error { log.add("AfterLogoutAll"); return nil },
			AfterPasswordChange: func(context.Context, memstore.User) error { log.add("AfterPasswordChange"); return nil },
		}
	})

	w := do(t, a.r, "POST", "/auth/signup", map[string]string{"email": "grace@example.com", "password": adaPassword})
	require.Equal(t, 201, w.Code, w.Body.String())
	var created map[string]any
	w.decode(t, &created)
	assert.Equal(t, "Newcomer", created["first_name"], "BeforeSignup set a default")
	assert.Equal(t, []string{"BeforeSignup", "AfterSignup"}, log.take(), "an After hook's error does not undo the signup")

	w = do(t, a.r, "POST", "/auth/signup", map[string]string{"email": "x@closed.example", "password": adaPassword})
	assert.Equal(t, 403, w.Code)
	assert.Equal(t, "Signups from this domain are closed", w.detail(t))
	_, err := a.store.FindUserByEmail(context.Background(), "x@closed.example")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound, "a rejected signup stores nothing")
	log.take()

	p := a.signin(t, "grace@example.com", adaPassword)
	assert.Equal(t, []string{"CanSignIn", "AfterSignIn"}, log.take())
	require.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)
	assert.Equal(t, []string{"CanSignIn"}, log.take(), "the policy runs on every request")
	w = a.refresh(t, p.RefreshToken)
	require.Equal(t, 200, w.Code)
	w.decode(t, &p)
	assert.Equal(t, []string{"CanSignIn", "AfterRefresh"}, log.take())

	// A ban takes effect everywhere: sign-in, requests, refresh.
	mu.Lock()
	banned[created["id"].(string)] = true
	mu.Unlock()
	w = do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "grace@example.com", "password": adaPassword})
	assert.Equal(t, 403, w.Code)
	assert.Equal(t, "This account is suspended", w.detail(t))
	assert.Empty(t, w.Header().Get("WWW-Authenticate"), "a policy 403 carries no challenge")
	w = do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "grace@example.com", "password": "wrong password"})
	assert.Equal(t, 401, w.Code, "the policy runs only after a correct password")
	assert.Equal(t, 403, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code)
	assert.Equal(t, 403, a.refresh(t, p.RefreshToken).Code, "a banned user cannot keep refreshing")
	mu.Lock()
	banned = map[string]bool{}
	mu.Unlock()
	assert.Equal(t, 200, a.refresh(t, p.RefreshToken).Code, "the refused refresh did not spend the token")
	log.take()

	p = a.signin(t, "grace@example.com", adaPassword)
	w = do(t, a.r, "POST", "/auth/password", map[string]string{"current_password": adaPassword, "new_password": "another good password"}, bearer(p.AccessToken)...)
	require.Equal(t, 200, w.Code)
	w.decode(t, &p)
	require.Equal(t, 204, do(t, a.r, "POST", "/auth/logout", nil, bearer(p.AccessToken)...).Code)
	p = a.signin(t, "grace@example.com", "another good password")
	require.Equal(t, 204, do(t, a.r, "POST", "/auth/logout-all", nil, bearer(p.AccessToken)...).Code)
	assert.Equal(t, []string{
		"CanSignIn", "AfterSignIn", "CanSignIn", "AfterPasswordChange",
		"CanSignIn", "AfterLogout", "CanSignIn", "AfterSignIn", "CanSignIn", "AfterLogoutAll",
	}, log.take())
}

func TestHookErrorThatIsNotARejectionIs503(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.Hooks.BeforeSignup = func(context.Context, *memstore.User) error { return errors.New("the CRM is down") }
	})
	w := do(t, a.r, "POST", "/auth/signup", map[string]string{"email": "g@example.com", "password": adaPassword})
	assert.Equal(t, 503, w.Code)
	assert.NotContains(t, w.Body.String(), "CRM", "the cause is logged, not shown")
}

func TestProblemJSONRenderer(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.RenderError = ginjwt.ProblemJSON
		c.Throttle = ginjwt.NewMemoryThrottle(1, 0, 0)
	})
	type problem struct {
		Type, Title, Detail, Code string
		Status                    int
	}
	check := func(w response, status int, code string) problem {
		t.Helper()
		require.Equal(t, status, w.Code, w.Body.String())
		assert.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
		var p problem
		w.decode(t, &p)
		assert.Equal(t, status, p.Status)
		assert.Equal(t, http.StatusText(status), p.Title)
		assert.Equal(t, "about:blank", p.Type)
		assert.Equal(t, code, p.Code)
		assert.NotEmpty(t, p.Detail)
		return p
	}
	w := do(t, a.r, "GET", "/api/profile", nil)
	check(w, 401, "token_missing")
	assert.Equal(t, "Bearer", w.Header().Get("WWW-Authenticate"), "headers stay whatever the body")
	w = do(t, a.r, "GET", "/api/profile", nil, bearer("a.b.c")...)
	check(w, 401, "invalid_token")
	assert.Contains(t, w.Header().Get("WWW-Authenticate"), `error="invalid_token"`)
	check(do(t, a.r, "POST", "/auth/signup", `{"email":`), 400, "invalid_request")
	check(do(t, a.r, "POST", "/auth/signup", map[string]string{"email": "ada@example.com", "password": adaPassword}), 409, "user_exists")
	check(do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong"}), 401, "invalid_credentials")
	w = do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong"})
	check(w, 429, "throttled")
	assert.NotEmpty(t, w.Header().Get("Retry-After"))
	check(do(t, a.r, "POST", "/auth/refresh", map[string]string{"refresh_token": "x.y"}), 401, "session_not_found")
	check(do(t, a.r, "POST", "/auth/signup", strings.Repeat(" ", 70<<10)), 413, "request_too_large")

	// Require renders with the Auth that authenticated the request.
	r := gin.New()
	r.GET("/admin", ginjwt.New(a.cfg), ginjwt.RequireStaff[memstore.User](), func(c *gin.Context) { c.Status(204) })
	w = do(t, r, "GET", "/admin", nil, bearer(a.fixture.pair(t).AccessToken)...)
	check(w, 403, "insufficient_scope")
}

func TestCustomRendererSeesTheSentinel(t *testing.T) {
	var got []error
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.RenderError = func(c *gin.Context, status int, err error, detail string) {
			got = append(got, err)
			c.JSON(status, gin.H{"error": gin.H{"message": detail, "code": ginjwt.ErrorCode(err)}})
		}
	})
	p := a.signin(t, "ada@example.com", adaPassword)
	require.Equal(t, 204, do(t, a.r, "POST", "/auth/logout", nil, bearer(p.AccessToken)...).Code)
	w := do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...)
	assert.Equal(t, 401, w.Code)
	assert.JSONEq(t, `{"error":{"message":"Token has been revoked","code":"token_revoked"}}`, w.Body.String())
	require.Len(t, got, 1)
	assert.ErrorIs(t, got[0], ginjwt.ErrSessionRevoked)
}

// memSignup is an application's own signup payload.
type memSignup struct {
	Nickname    string `json:"nickname" binding:"required,max=20"`
	AcceptTerms bool   `json:"accept_terms" binding:"required"`
	Staff       bool   `json:"is_staff"` // bound, but never mapped
}

func TestSignupFields(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.SignupFields = ginjwt.SignupWith(func(_ context.Context, p *memSignup, u *memstore.User) error {
			if p.Nickname == "root" {
				return ginjwt.Reject(http.StatusBadRequest, "That nickname is reserved")
			}
			u.LastName = p.Nickname
			return nil
		})
	})
	body := func(extra string) string {
		return `{"email":"n@example.com","password":"` + adaPassword + `"` + extra + `}`
	}
	w := do(t, a.r, "POST", "/auth/signup", body(`,"accept_terms":true`))
	assert.Equal(t, 400, w.Code)
	assert.Equal(t, "nickname is required", w.detail(t))
	w = do(t, a.r, "POST", "/auth/signup", body(`,"nickname":"`+strings.Repeat("x", 21)+`","accept_terms":true`))
	assert.Equal(t, 400, w.Code)
	assert.Equal(t, "nickname is invalid (max)", w.detail(t))
	w = do(t, a.r, "POST", "/auth/signup", body(`,"nickname":7,"accept_terms":true`))
	assert.Equal(t, 400, w.Code)
	w = do(t, a.r, "POST", "/auth/signup", body(`,"nickname":"root","accept_terms":true`))
	assert.Equal(t, 400, w.Code)
	assert.Equal(t, "That nickname is reserved", w.detail(t))

	w = do(t, a.r, "POST", "/auth/signup", body(`,"nickname":"nn","accept_terms":true,"is_staff":true`))
	require.Equal(t, 201, w.Code, w.Body.String())
	u, err := a.store.FindUserByEmail(context.Background(), "n@example.com")
	require.NoError(t, err)
	assert.Equal(t, "nn", u.LastName, "fill mapped the field")
	assert.False(t, u.Staff, "no mass assignment: is_staff is bound but not mapped")
}

func TestSignupFieldsNeedAUserCreator(t *testing.T) {
	f := newFixture(t)
	f.cfg.Users = plainUsers{f.store}
	f.cfg.SignupFields = ginjwt.SignupWith(func(context.Context, *memSignup, *memstore.User) error { return nil })
	_, err := ginjwt.Compile(f.cfg)
	assert.ErrorContains(t, err, "UserCreator")
}

// plainUsers hides every optional interface of the store.
type plainUsers struct{ s *memstore.Store }

func (p plainUsers) FindUserByID(ctx context.Context, id string) (memstore.User, error) {
	return p.s.FindUserByID(ctx, id)
}
func (p plainUsers) FindUserByEmail(ctx context.Context, e string) (memstore.User, error) {
	return p.s.FindUserByEmail(ctx, e)
}
func (p plainUsers) CreateUser(ctx context.Context, nu ginjwt.NewUser) (memstore.User, error) {
	return p.s.CreateUser(ctx, nu)
}
func (p plainUsers) SetPasswordHash(ctx context.Context, id, h string) error {
	return p.s.SetPasswordHash(ctx, id, h)
}
func (p plainUsers) RecordLogin(ctx context.Context, id string, at time.Time) error {
	return p.s.RecordLogin(ctx, id, at)
}

func TestGoAPIForUsers(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()

	_, err := a.auth.CreateUser(ctx, "not an email", adaPassword, nil)
	assert.ErrorIs(t, err, ginjwt.ErrBadRequest)
	_, err = a.auth.CreateUser(ctx, "short@example.com", "short", nil)
	assert.ErrorIs(t, err, ginjwt.ErrBadRequest)
	assert.ErrorContains(t, err, "password too short")
	_, err = a.auth.CreateUser(ctx, "ADA@example.com", adaPassword, nil)
	assert.ErrorIs(t, err, ginjwt.ErrUserExists, "the email is normalised")

	root, err := a.auth.CreateUser(ctx, " Root@Example.com ", "root password 1", func(u *memstore.User) error {
		u.Staff = true
		return nil
	})
	require.NoError(t, err)
	assert.True(t, root.Staff)
	assert.Equal(t, "Root@Example.com", root.Email)
	found, err := a.auth.FindUserByEmail(ctx, "ROOT@example.COM")
	require.NoError(t, err)
	assert.Equal(t, root.ID, found.ID)
	_, err = a.auth.FindUserByEmail(ctx, "nobody@example.com")
	assert.ErrorIs(t, err, ginjwt.ErrUserNotFound)

	p := a.signin(t, "root@example.com", "root password 1")
	require.NoError(t, a.auth.SetPassword(ctx, root.ID, "root password 2"))
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code, "SetPassword revokes")
	assert.Equal(t, 401, a.refresh(t, p.RefreshToken).Code)
	after, _ := a.store.FindUserByID(ctx, root.ID)
	assert.Equal(t, int64(1), after.CredentialsVersion())
	assert.ErrorIs(t, a.auth.SetPassword(ctx, root.ID, "short"), ginjwt.ErrBadRequest)
	assert.ErrorIs(t, a.auth.SetPassword(ctx, "no-such-user", "long enough 123"), ginjwt.ErrUserNotFound)

	p = a.signin(t, "root@example.com", "root password 2")
	require.NoError(t, a.auth.SetActive(ctx, root.ID, false))
	assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code, "deactivation is seen at once")
	require.NoError(t, a.auth.SetActive(ctx, root.ID, true))
	assert.Equal(t, 401, a.refresh(t, p.RefreshToken).Code, "reactivation does not bring sessions back")
	a.signin(t, "root@example.com", "root password 2")
	assert.ErrorIs(t, a.auth.SetActive(ctx, "no-such-user", false), ginjwt.ErrUserNotFound)
}

func TestAuthUserAndMisusedAccessors(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	var bufMu sync.Mutex
	f.cfg.Logger = slog.New(slog.NewJSONHandler(lockedWriter{&buf, &bufMu}, nil))
	auth := ginjwt.MustCompile(f.cfg)
	r := gin.New()
	r.GET("/x", auth.Middleware(), func(c *gin.Context) {
		u, ok := auth.User(c)
		require.True(t, ok)
		for range 3 {
			_, wrong := ginjwt.CurrentUser[otherUser](c) // one call site, three calls
			require.False(t, wrong)
		}
		c.JSON(200, gin.H{"id": u.ID})
	})
	tok := bearer(f.pair(t).AccessToken)

	gin.SetMode(gin.ReleaseMode)
	defer gin.SetMode(gin.TestMode)
	w := do(t, r, "GET", "/x", nil, tok...)
	require.Equal(t, 200, w.Code, w.Body.String())
	w = do(t, r, "GET", "/x", nil, tok...)
	require.Equal(t, 200, w.Code)
	bufMu.Lock()
	logged := buf.String()
	bufMu.Unlock()
	assert.Equal(t, 1, strings.Count(logged, "was asked for as"), "logged once per call site: %s", logged)
	assert.Contains(t, logged, "extend_test.go", "the log names the call site")

	// StrictAccessors panics outside TestMode too.
	f.cfg.StrictAccessors = true
	strict := ginjwt.MustCompile(f.cfg)
	r2 := gin.New()
	r2.GET("/x", strict.Middleware(), func(c *gin.Context) {
		assert.Panics(t, func() { ginjwt.CurrentUser[otherUser](c) })
		c.Status(204)
	})
	assert.Equal(t, 204, do(t, r2, "GET", "/x", nil, tok...).Code)

	// Without authentication, asking is fine and silent.
	r3 := gin.New()
	r3.GET("/y", func(c *gin.Context) {
		_, ok := ginjwt.CurrentUser[otherUser](c)
		assert.False(t, ok)
		_, ok = auth.User(c)
		assert.False(t, ok)
		c.Status(204)
	})
	assert.Equal(t, 204, do(t, r3, "GET", "/y", nil).Code)
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// One meaning of "no leeway": Config.Leeway, JWT_LEEWAY=0 and
// ParserOptions agree (zero is the default; NoLeeway is none).
func TestLeewayHasOneMeaning(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	claims := with(f.goodClaims(t), "exp", now.Add(-10*time.Second).Unix()) // expired 10s ago
	tok := mint(t, jwt.SigningMethodHS256, testKey, map[string]any{"typ": "at+jwt"}, claims)
	parse := func(leeway time.Duration) error {
		_, err := jwt.NewParser(ginjwt.ParserOptions("HS256", "", "", leeway, nil)...).ParseWithClaims(tok, &ginjwt.Claims{}, func(*jwt.Token) (any, error) { return testKey, nil })
		return err
	}
	assert.NoError(t, parse(0), "ParserOptions: zero is the default leeway")
	assert.Error(t, parse(ginjwt.NoLeeway), "ParserOptions: NoLeeway is none")

	for _, tc := range []struct {
		leeway time.Duration
		want   int
	}{{0, 200}, {ginjwt.NoLeeway, 401}} {
		cfg := f.cfg
		cfg.Leeway = tc.leeway
		r := engine[memstore.User](ginjwt.New(cfg))
		assert.Equal(t, tc.want, do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code, "Config.Leeway %v", tc.leeway)
	}
	var env ginjwt.Config[memstore.User]
	require.NoError(t, ginjwt.LoadEnvFrom(&env, func(k string) (string, bool) {
		v, ok := map[string]string{"JWT_SECRET_KEY": string(testKey), "JWT_LEEWAY": "0"}[k]
		return v, ok
	}))
	assert.Equal(t, ginjwt.NoLeeway, env.Leeway, "JWT_LEEWAY=0 is NoLeeway")
}
