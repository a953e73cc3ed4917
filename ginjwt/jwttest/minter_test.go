package jwttest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/jwttest"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

func init() { gin.SetMode(gin.TestMode) }

var key = []byte("jwttest-key-jwttest-key-jwttest-key-jwttest-key-jwttest-key-6464") // 64 bytes: any HS*

// setup returns a store holding one active user, and a Config over it.
func setup(t *testing.T, sessions bool) (memstore.User, ginjwt.Config[memstore.User]) {
	t.Helper()
	store := memstore.New()
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "ada@example.com", NormalizedEmail: "ada@example.com"})
	require.NoError(t, err)
	require.True(t, u.IsActive())
	cfg := ginjwt.Config[memstore.User]{SigningKey: key, Users: store}
	if sessions {
		cfg.Sessions = store
	}
	return u, cfg
}

// get sends GET /me through a real engine with ginjwt.New(cfg); authorize
// may set the token.
func get(t *testing.T, cfg ginjwt.Config[memstore.User], authorize func(*http.Request)) (int, string) {
	t.Helper()
	r := gin.New()
	r.GET("/me", ginjwt.New(cfg), func(c *gin.Context) {
		u, ok := ginjwt.CurrentUser[memstore.User](c)
		require.True(t, ok)
		c.JSON(http.StatusOK, gin.H{"id": u.ID})
	})
	req := httptest.NewRequest(http.MethodGet, "/me", nil)
	if authorize != nil {
		authorize(req)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	var body struct {
		ID     string `json:"id"`
		Detail string `json:"detail"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "body %q", w.Body)
	if w.Code == http.StatusOK {
		return w.Code, body.ID
	}
	return w.Code, body.Detail
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func TestTokensThroughTheMiddleware(t *testing.T) {
	for _, sessions := range []bool{false, true} {
		t.Run(fmt.Sprintf("sessions=%v", sessions), func(t *testing.T) {
			u, cfg := setup(t, sessions)
			m := jwttest.New(t, cfg)
			for _, tc := range []struct {
				name   string
				token  string
				code   int
				answer string // the user id on 200, the detail otherwise
			}{
				{"valid", m.Token(u), http.StatusOK, u.ID},
				{"expired", m.Expired(u), http.StatusUnauthorized, "Token has expired"},
				{"tampered", m.Tampered(u), http.StatusUnauthorized, "Invalid token"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					code, answer := get(t, cfg, bearer(tc.token))
					assert.Equal(t, tc.code, code)
					assert.Equal(t, tc.answer, answer)
				})
			}
			code, _ := get(t, cfg, nil)
			assert.Equal(t, http.StatusUnauthorized, code, "no token")
		})
	}
}

func TestPair(t *testing.T) {
	u, cfg := setup(t, true)
	m := jwttest.New(t, cfg)
	pair := m.Pair(u)
	assert.Equal(t, "Bearer", pair.TokenType)
	assert.NotEmpty(t, pair.RefreshToken)
	code, id := get(t, cfg, bearer(pair.AccessToken))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, u.ID, id)

	next, got, err := m.Auth().Refresh(context.Background(), pair.RefreshToken)
	require.NoError(t, err, "the pair's refresh token belongs to a real session")
	assert.Equal(t, u.ID, got.ID)
	code, _ = get(t, cfg, bearer(next.AccessToken))
	assert.Equal(t, http.StatusOK, code)
}

// TestTokenHasRealSession: revoking the user ends the session Token made.
func TestTokenHasRealSession(t *testing.T) {
	u, cfg := setup(t, true)
	m := jwttest.New(t, cfg)
	tok := m.Token(u)
	code, _ := get(t, cfg, bearer(tok))
	require.Equal(t, http.StatusOK, code)

	n, err := m.Auth().RevokeUser(context.Background(), u.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "Token started exactly one session")
	code, detail := get(t, cfg, bearer(tok))
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "Token has been revoked", detail)
}

// TestConfigIsHonoured: algorithm, lifetime, leeway, clock, header and
// scheme all come from the Config.
func TestConfigIsHonoured(t *testing.T) {
	u, cfg := setup(t, true)
	now := time.Date(2030, 6, 1, 8, 0, 0, 0, time.UTC)
	cfg.Algorithm = "HS512"
	cfg.AccessTokenLifetime = 2 * time.Hour
	cfg.Leeway = 10 * time.Minute
	cfg.Now = func() time.Time { return now }
	cfg.Header = "X-Api-Token"
	cfg.Schemes = []string{"Token", "Bearer"}
	m := jwttest.New(t, cfg)

	tok := m.Token(u)
	assert.True(t, strings.HasPrefix(m.Header(tok), "Token "), "the first configured scheme")
	claims, err := m.Auth().ParseAccessToken(tok)
	require.NoError(t, err)
	assert.Equal(t, now, claims.IssuedAt.Time.UTC())
	assert.Equal(t, now.Add(2*time.Hour), claims.ExpiresAt.Time.UTC())

	for _, tc := range []struct {
		name, token, answer string
		code                int
	}{
		{"valid", tok, u.ID, http.StatusOK},
		{"expired", m.Expired(u), "Token has expired", http.StatusUnauthorized},
		{"tampered", m.Tampered(u), "Invalid token", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, answer := get(t, cfg, func(r *http.Request) { m.Authorize(r, tc.token) })
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.answer, answer)
		})
	}
	code, _ := get(t, cfg, bearer(tok))
	assert.Equal(t, http.StatusUnauthorized, code, "the token is not looked for in Authorization")
}

func TestNoLeeway(t *testing.T) {
	u, cfg := setup(t, false)
	cfg.Leeway = -1
	m := jwttest.New(t, cfg)
	code, detail := get(t, cfg, bearer(m.Expired(u)))
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "Token has expired", detail)
}

// fakeTB records the first failure and ends its goroutine, as t.Fatalf does.
type fakeTB struct {
	mu     sync.Mutex
	failed string
}

func (*fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	if f.failed == "" {
		f.failed = fmt.Sprintf(format, args...)
	}
	f.mu.Unlock()
	runtime.Goexit()
}

// failure runs fn with a fakeTB and returns its failure message.
func failure(fn func(tb jwttest.TB)) string {
	tb := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.failed
}

func TestFailures(t *testing.T) {
	u, cfg := setup(t, false)

	bad := cfg
	bad.SigningKey = []byte("short")
	msg := failure(func(tb jwttest.TB) { jwttest.New(tb, bad) })
	assert.Contains(t, msg, "SigningKey", "an invalid Config ends the test, naming the field")

	msg = failure(func(tb jwttest.TB) { jwttest.New(tb, cfg).Pair(u) })
	assert.Contains(t, msg, "Sessions", "Pair without a Sessions store ends the test")

	msg = failure(func(tb jwttest.TB) {
		m := jwttest.New(tb, cfg)
		_ = m.Token(u)
		_ = m.Expired(u)
		_ = m.Tampered(u)
	})
	assert.Empty(t, msg, "a good Config mints without failing")
}
