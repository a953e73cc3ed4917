package ginjwt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

func init() { gin.SetMode(gin.TestMode) }

var testKey = []byte("0123456789abcdef0123456789abcdef") // 32 bytes: HS256

// testHasher uses cheap parameters: tests must not spend seconds hashing.
var testHasher = password.MustNew(password.TestingOptions())

// fixture is a store with one active user and a config over it.
type fixture struct {
	store *memstore.Store
	user  memstore.User
	cfg   ginjwt.Config[memstore.User]
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store := memstore.New()
	hash, err := testHasher.Hash(context.Background(), "correct horse battery")
	require.NoError(t, err)
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{
		Email: "Ada@Example.com", NormalizedEmail: "ada@example.com", PasswordHash: hash, Username: "ada",
	})
	require.NoError(t, err)
	return &fixture{store: store, user: u, cfg: ginjwt.Config[memstore.User]{
		SigningKey: testKey,
		Users:      store,
		Sessions:   store,
		Passwords:  testHasher,
	}}
}

// engine serves GET /api/me behind ginjwt.New(cfg), answering the user id.
func engine[U ginjwt.User](mw ...gin.HandlerFunc) *gin.Engine {
	r := gin.New()
	handlers := append(mw, func(c *gin.Context) {
		u, ok := ginjwt.CurrentUser[U](c)
		if !ok {
			c.JSON(http.StatusOK, gin.H{"user": nil})
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": u.Subject()})
	})
	r.GET("/api/me", handlers...)
	return r
}

type response struct {
	*httptest.ResponseRecorder
}

func (r response) detail(t *testing.T) string {
	t.Helper()
	var body ginjwt.ErrorBody
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), &body), "body %q", r.Body.String())
	return body.Detail
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), v), "body %q", r.Body.String())
}

// do sends one request; body may be nil, a string or a value to encode.
func do(t *testing.T, h http.Handler, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return response{w}
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// token issues a real token pair for the fixture's user.
func (f *fixture) pair(t *testing.T) ginjwt.TokenPair {
	t.Helper()
	a, err := ginjwt.Compile(f.cfg)
	require.NoError(t, err)
	p, err := a.IssueTokens(context.Background(), f.user, ginjwt.Client{UserAgent: "test", IP: "127.0.0.1"})
	require.NoError(t, err)
	return p
}

// clock is a settable clock for Config.Now, safe for the background purge
// goroutine to read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func timeNow() time.Time { return time.Now() }
