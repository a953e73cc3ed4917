package ginjwt_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// scopeApp mounts the auth routes and three scoped routes over a fixture
// whose user's scopes the test sets.
type scopeApp struct {
	*app
	mu     sync.Mutex
	scopes []string
}

func newScopeApp(t *testing.T, tweak ...func(*ginjwt.Config[memstore.User])) *scopeApp {
	t.Helper()
	s := &scopeApp{}
	s.app = newApp(t, append([]func(*ginjwt.Config[memstore.User]){func(c *ginjwt.Config[memstore.User]) {
		c.Scopes = func(context.Context, memstore.User) ([]string, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.scopes, nil
		}
	}}, tweak...)...)
	ok := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }
	api := s.r.Group("/scoped", s.auth.Middleware())
	api.GET("/read", ginjwt.RequireScope("admin:read"), ok)
	api.GET("/both", s.auth.RequireScope("admin:read", "admin:write"), ok)
	s.r.GET("/open/both", s.auth.RequireScope("admin:read"), ok) // no authentication before it
	return s
}

func (s *scopeApp) setScopes(list ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes = list
}

func (s *scopeApp) signin(t *testing.T) string {
	t.Helper()
	w := do(t, s.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})
	require.Equal(t, 200, w.Code, w.Body.String())
	var p ginjwt.TokenPair
	w.decode(t, &p)
	return p.AccessToken
}

func TestScopeClaimAndRequireScope(t *testing.T) {
	s := newScopeApp(t)
	s.setScopes("admin:read", "reports", "admin:read")
	tok := s.signin(t)

	claims, err := s.auth.ParseAccessToken(tok)
	require.NoError(t, err)
	assert.Equal(t, "admin:read reports", claims.Scope, "space-separated, duplicates dropped")
	assert.Equal(t, []string{"admin:read", "reports"}, claims.Scopes())
	assert.True(t, claims.HasScope("reports"))
	assert.False(t, claims.HasScope("admin"))

	w := do(t, s.r, "GET", "/scoped/read", nil, bearer(tok)...)
	assert.Equal(t, 200, w.Code, w.Body.String())

	w = do(t, s.r, "GET", "/scoped/both", nil, bearer(tok)...)
	assert.Equal(t, 403, w.Code)
	assert.Equal(t, `Bearer error="insufficient_scope", scope="admin:write"`, w.Header().Get("WWW-Authenticate"))
	assert.NotEmpty(t, w.detail(t))

	s.setScopes() // the permission is removed: tokens issued before keep it
	w = do(t, s.r, "GET", "/scoped/read", nil, bearer(tok)...)
	assert.Equal(t, 200, w.Code, "a token carries what the user had when it was issued")
	tok = s.signin(t)
	claims, err = s.auth.ParseAccessToken(tok)
	require.NoError(t, err)
	assert.Empty(t, claims.Scope)
	w = do(t, s.r, "GET", "/scoped/both", nil, bearer(tok)...)
	assert.Equal(t, 403, w.Code)
	assert.Equal(t, `Bearer error="insufficient_scope", scope="admin:read admin:write"`, w.Header().Get("WWW-Authenticate"), "every missing scope is named")

	w = do(t, s.r, "GET", "/open/both", nil)
	assert.Equal(t, 401, w.Code, "no authenticated request: 401, not 403")
	assert.Equal(t, "Bearer", w.Header().Get("WWW-Authenticate"))
}

func TestRequireScopeAnswersThroughTheRenderer(t *testing.T) {
	var seen error
	s := newScopeApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.RenderError = func(c *gin.Context, status int, err error, detail string) {
			seen = err
			ginjwt.ProblemJSON(c, status, err, detail)
		}
	})
	tok := s.signin(t)
	for _, path := range []string{"/scoped/read", "/scoped/both"} {
		seen = nil
		w := do(t, s.r, "GET", path, nil, bearer(tok)...)
		assert.Equal(t, 403, w.Code)
		assert.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), path)
		assert.True(t, errors.Is(seen, ginjwt.ErrForbidden), path)
		assert.Equal(t, "insufficient_scope", ginjwt.ErrorCode(seen))
	}
	seen = nil
	w := do(t, s.r, "GET", "/open/both", nil)
	assert.Equal(t, 401, w.Code)
	assert.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), "the method has the Auth's renderer even without a token")
}

func TestScopesFailureFailsTheIssue(t *testing.T) {
	for name, list := range map[string][]string{
		"space":     {"a b"},
		"quote":     {`a"b`},
		"slash":     {`a\b`},
		"empty":     {""},
		"non ascii": {"é"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newScopeApp(t)
			s.setScopes(list...)
			w := do(t, s.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})
			assert.Equal(t, 503, w.Code, w.Body.String())
		})
	}
	f := newFixture(t)
	f.cfg.Scopes = func(context.Context, memstore.User) ([]string, error) { return nil, errors.New("roles table gone") }
	_, err := ginjwt.MustCompile(f.cfg).IssueTokens(context.Background(), f.user, ginjwt.Client{})
	assert.ErrorContains(t, err, "roles table gone")
}

func TestRequireScopeRefusesBadScopes(t *testing.T) {
	assert.Panics(t, func() { ginjwt.RequireScope() })
	assert.Panics(t, func() { ginjwt.RequireScope("a b") })
	assert.Panics(t, func() { ginjwt.RequireScope(`x"y`) })
	assert.NotPanics(t, func() { ginjwt.RequireScope("admin:read", "https://api.example/x") })
}

// The strict claim decoder knows "scope": a folded twin, a duplicate or a
// wrong type is refused, so that nobody can smuggle in scopes a decoder
// would otherwise merge.
func TestScopeClaimIsDecodedStrictly(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.GET("/api/me", ginjwt.New(f.cfg), ginjwt.RequireScope("admin"), func(c *gin.Context) { c.Status(200) })
	good := with(f.goodClaims(t), "scope", "admin")
	hdr := map[string]any{"typ": "at+jwt"}
	tok := func(claims map[string]any) string { return mint(t, jwt.SigningMethodHS256, testKey, hdr, claims) }
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(tok(good))...).Code)
	for name, claims := range map[string]map[string]any{
		"Scope":        with(good, "scope", nil, "Scope", "admin"),
		"SCOPE beside": with(good, "SCOPE", "admin"),
		"long s":       with(good, "scope", nil, "ſcope", "admin"),
		"array":        with(good, "scope", []string{"admin"}),
		"number":       with(good, "scope", 1),
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, 401, do(t, r, "GET", "/api/me", nil, bearer(tok(claims))...).Code)
		})
	}
	dup := fmt.Sprintf(`{"sub":%q,"sid":%q,"scope":"user","scope":"admin","token_type":"access","exp":%d,"iat":%d}`, f.user.ID, good["sid"], good["exp"], good["iat"])
	assert.Equal(t, 401, do(t, r, "GET", "/api/me", nil, bearer(rawToken(t, dup))...).Code, "a duplicate scope is refused")
	f.cfg.ExtraClaims = func(context.Context, memstore.User) (map[string]any, error) {
		return map[string]any{"Scope": "admin"}, nil
	}
	_, err := ginjwt.MustCompile(f.cfg).IssueTokens(context.Background(), f.user, ginjwt.Client{})
	assert.ErrorContains(t, err, "reserved claim", "ExtraClaims cannot set scope")
}
