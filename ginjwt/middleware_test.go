package ginjwt_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// mint signs claims with header fields of our choice, as any standard JWT
// library holding the key could.
func mint(t *testing.T, m jwt.SigningMethod, key any, header, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, jwt.MapClaims(claims))
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
			continue
		}
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// goodClaims are the claims of a valid access token of the fixture's user
// in a live session.
func (f *fixture) goodClaims(t *testing.T) map[string]any {
	t.Helper()
	claims, err := ginjwt.MustCompile(f.cfg).ParseAccessToken(f.pair(t).AccessToken)
	require.NoError(t, err)
	now := time.Now()
	return map[string]any{
		"sub": f.user.ID, "sid": claims.SessionID, "jti": "j1", "token_type": "access",
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestMiddlewareRejectsBadTokens(t *testing.T) {
	f := newFixture(t)
	r := engine[memstore.User](ginjwt.New(f.cfg))
	good := f.goodClaims(t)
	hs := jwt.SigningMethodHS256
	at := map[string]any{"typ": "at+jwt"}
	past := time.Now().Add(-time.Hour).Unix()

	tests := []struct {
		name    string
		headers []string
		status  int
		detail  string
		invalid bool // error="invalid_token" expected
	}{
		{"no header", nil, 401, "Authorization header missing", false},
		{"empty header", []string{"Authorization", ""}, 401, "Authorization header missing", false},
		{"basic scheme", []string{"Authorization", "Basic YTpi"}, 401, "Unsupported authorization scheme", false},
		{"scheme only", []string{"Authorization", "Bearer"}, 401, "Invalid token", true},
		{"scheme and space", []string{"Authorization", "Bearer "}, 401, "Invalid token", true},
		{"two tokens", []string{"Authorization", "Bearer a.b.c d.e.f"}, 401, "Invalid token", true},
		{"two headers", []string{"Authorization", "Bearer a.b.c", "Authorization", "Bearer a.b.c"}, 401, "Invalid token", true},
		{"garbage", bearer("not-a-token"), 401, "Invalid token", true},
		{"two segments", bearer("a.b"), 401, "Invalid token", true},
		{"four segments", bearer("a.b.c.d"), 401, "Invalid token", true},
		{"too large", bearer(strings.Repeat("a", 9000)), 401, "Token is too large", true},
		{"expired", bearer(mint(t, hs, testKey, at, with(good, "iat", past-60, "exp", past))), 401, "Token has expired", true},
		{"exp missing", bearer(mint(t, hs, testKey, at, with(good, "exp", nil))), 401, "Invalid token", true},
		{"exp zero", bearer(mint(t, hs, testKey, at, with(good, "exp", 0))), 401, "Token has expired", true},
		{"exp as string", bearer(mint(t, hs, testKey, at, with(good, "exp", "tomorrow"))), 401, "Invalid token", true},
		{"iat in the future", bearer(mint(t, hs, testKey, at, with(good, "iat", time.Now().Add(time.Hour).Unix()))), 401, "Invalid token", true},
		{"nbf in the future", bearer(mint(t, hs, testKey, at, with(good, "nbf", time.Now().Add(time.Hour).Unix()))), 401, "Invalid token", true},
		{"wrong key", bearer(mint(t, hs, []byte("another key, also thirty-two byte"), at, good)), 401, "Invalid token", true},
		{"HS384 when HS256 is pinned", bearer(mint(t, jwt.SigningMethodHS384, testKey, at, good)), 401, "Invalid token", true},
		{"alg none", bearer(mint(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, at, good)), 401, "Invalid token", true},
		{"typ missing", bearer(mint(t, hs, testKey, map[string]any{"typ": nil}, good)), 401, "Invalid token", true},
		{"typ JWT", bearer(mint(t, hs, testKey, map[string]any{"typ": "JWT"}, good)), 401, "Invalid token", true},
		{"typ not a string", bearer(mint(t, hs, testKey, map[string]any{"typ": 1}, good)), 401, "Invalid token", true},
		{"crit header", bearer(mint(t, hs, testKey, map[string]any{"typ": "at+jwt", "crit": []string{"exp"}}, good)), 401, "Invalid token", true},
		{"unknown kid", bearer(mint(t, hs, testKey, map[string]any{"typ": "at+jwt", "kid": "other"}, good)), 401, "Invalid token", true},
		{"refresh token type", bearer(mint(t, hs, testKey, at, with(good, "token_type", "refresh"))), 401, "Invalid token", true},
		{"token_type missing", bearer(mint(t, hs, testKey, at, with(good, "token_type", nil))), 401, "Invalid token", true},
		{"sub missing", bearer(mint(t, hs, testKey, at, with(good, "sub", nil))), 401, "Invalid token", true},
		{"sub empty", bearer(mint(t, hs, testKey, at, with(good, "sub", ""))), 401, "Invalid token", true},
		{"sub a number", bearer(mint(t, hs, testKey, at, with(good, "sub", 42))), 401, "Invalid token", true},
		{"sid missing", bearer(mint(t, hs, testKey, at, with(good, "sid", nil))), 401, "Invalid token", true},
		{"sid unknown", bearer(mint(t, hs, testKey, at, with(good, "sid", "nope"))), 401, "Token has been revoked", true},
		{"unknown user", bearer(mint(t, hs, testKey, at, with(good, "sub", "ghost"))), 401, "Token has been revoked", true},
		{"jku is never followed", bearer(mint(t, hs, []byte("another key, also thirty-two byte"), map[string]any{"typ": "at+jwt", "jku": "http://127.0.0.1:1/keys"}, good)), 401, "Invalid token", true},
		{"non-canonical base64 signature", bearer(flipLastBits(mint(t, hs, testKey, at, good))), 401, "Invalid token", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := do(t, r, http.MethodGet, "/api/me", nil, tc.headers...)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			assert.Equal(t, tc.detail, w.detail(t))
			challenge := w.Header().Get("WWW-Authenticate")
			assert.True(t, strings.HasPrefix(challenge, "Bearer"), "challenge %q", challenge)
			assert.Equal(t, tc.invalid, strings.Contains(challenge, `error="invalid_token"`), "challenge %q", challenge)
			assert.NotContains(t, w.Body.String(), "segment", "parser internals must not leak")
		})
	}
}

// flipLastBits changes the unused low bits of the signature's last base64
// character: the same bytes under lax decoding, refused under strict.
func flipLastBits(tok string) string {
	last := tok[len(tok)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	return tok[:len(tok)-1] + string(alphabet[i^1])
}

func TestMiddlewareAcceptsValidTokens(t *testing.T) {
	f := newFixture(t)
	good := f.goodClaims(t)
	hs := jwt.SigningMethodHS256
	tests := []struct {
		name    string
		cfg     func(*ginjwt.Config[memstore.User])
		headers []string
	}{
		{"our own token", nil, bearer(f.pair(t).AccessToken)},
		{"lower-case scheme", nil, []string{"Authorization", "bearer " + f.pair(t).AccessToken}},
		{"upper-case scheme", nil, []string{"Authorization", "BEARER " + f.pair(t).AccessToken}},
		{"minted by golang-jwt", nil, bearer(mint(t, hs, testKey, map[string]any{"typ": "at+jwt"}, good))},
		{"typ application/at+jwt", nil, bearer(mint(t, hs, testKey, map[string]any{"typ": "application/AT+JWT"}, good))},
		{"typ upper case", nil, bearer(mint(t, hs, testKey, map[string]any{"typ": "AT+JWT"}, good))},
		{"Token scheme when configured", func(c *ginjwt.Config[memstore.User]) { c.Schemes = []string{"Bearer", "Token"} },
			[]string{"Authorization", "token " + f.pair(t).AccessToken}},
		{"custom header without scheme", func(c *ginjwt.Config[memstore.User]) {
			c.Extractors = []ginjwt.Extractor{ginjwt.HeaderExtractor("X-Access-Token")}
		},
			[]string{"X-Access-Token", f.pair(t).AccessToken}},
		{"expired within the leeway", nil, bearer(mint(t, hs, testKey, map[string]any{"typ": "at+jwt"},
			with(good, "exp", time.Now().Add(-10*time.Second).Unix())))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := f.cfg
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			w := do(t, engine[memstore.User](ginjwt.New(cfg)), http.MethodGet, "/api/me", nil, tc.headers...)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.JSONEq(t, `{"user":"`+f.user.ID+`"}`, w.Body.String())
		})
	}
}

func TestIssuerAndAudienceAreEnforcedWhenSet(t *testing.T) {
	f := newFixture(t)
	f.cfg.Issuer, f.cfg.Audience = "https://issuer.example", "my-api"
	good := f.goodClaims(t)
	good["iss"], good["aud"] = "https://issuer.example", "my-api"
	r := engine[memstore.User](ginjwt.New(f.cfg))
	at := map[string]any{"typ": "at+jwt"}
	hs := jwt.SigningMethodHS256

	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(f.pair(t).AccessToken)...).Code, "our own token carries iss and aud")
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(mint(t, hs, testKey, at, good))...).Code)
	for name, claims := range map[string]map[string]any{
		"iss missing":   with(good, "iss", nil),
		"iss different": with(good, "iss", "https://evil.example"),
		"aud missing":   with(good, "aud", nil),
		"aud different": with(good, "aud", "other-api"),
	} {
		t.Run(name, func(t *testing.T) {
			w := do(t, r, "GET", "/api/me", nil, bearer(mint(t, hs, testKey, at, claims))...)
			assert.Equal(t, 401, w.Code)
			assert.Equal(t, "Invalid token", w.detail(t))
		})
	}
}

func TestInactiveOrDeletedUserIsRejected(t *testing.T) {
	f := newFixture(t)
	a := ginjwt.MustCompile(f.cfg)
	r := engine[memstore.User](a.Middleware())
	tok := f.pair(t).AccessToken
	require.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code)

	require.NoError(t, f.store.SetActive(f.user.ID, false))
	a.InvalidateUser(f.user.ID) // a change made outside ginjwt, announced to this process
	w := do(t, r, "GET", "/api/me", nil, bearer(tok)...)
	assert.Equal(t, 401, w.Code)
	assert.Equal(t, "User not found or inactive", w.detail(t))
	assert.Contains(t, w.Header().Get("WWW-Authenticate"), `error="invalid_token"`)
}

// failingUsers is a UserStore whose look-ups fail as an unreachable
// database would.
type failingUsers struct{ *memstore.Store }

func (failingUsers) FindUserByID(ctx context.Context, id string) (memstore.User, error) {
	return memstore.User{}, errors.New("dial tcp 127.0.0.1:5432: connection refused")
}

type failingSessions struct{ *memstore.Store }

func (failingSessions) Session(ctx context.Context, id string) (ginjwt.Session, error) {
	return ginjwt.Session{}, context.DeadlineExceeded
}

func TestStoreFailureIs503(t *testing.T) {
	f := newFixture(t)
	tok := f.pair(t).AccessToken
	for name, cfg := range map[string]ginjwt.Config[memstore.User]{
		"users":    {SigningKey: testKey, Users: failingUsers{f.store}, Sessions: f.store},
		"sessions": {SigningKey: testKey, Users: f.store, Sessions: failingSessions{f.store}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.CacheTTL = -1
			var logged []error
			r := gin.New()
			r.Use(func(c *gin.Context) {
				c.Next()
				for _, e := range c.Errors {
					logged = append(logged, e.Err)
				}
			})
			r.GET("/api/me", ginjwt.New(cfg), func(c *gin.Context) { c.Status(200) })
			w := do(t, r, "GET", "/api/me", nil, bearer(tok)...)
			assert.Equal(t, http.StatusServiceUnavailable, w.Code)
			assert.Equal(t, "Authentication service temporarily unavailable", w.detail(t))
			assert.Empty(t, w.Header().Get("WWW-Authenticate"))
			require.Len(t, logged, 1, "the cause goes to c.Error")
			assert.ErrorIs(t, logged[0], ginjwt.ErrStoreUnavailable)
		})
	}
}

func TestCausesReachCErrorAndWrapGolangJWT(t *testing.T) {
	f := newFixture(t)
	var logged []error
	r := gin.New()
	r.Use(func(c *gin.Context) {
		c.Next()
		for _, e := range c.Errors {
			logged = append(logged, e.Err)
		}
	})
	r.GET("/x", ginjwt.New(f.cfg), func(c *gin.Context) { c.Status(200) })
	good := f.goodClaims(t)
	past := time.Now().Add(-time.Hour).Unix()
	expired := mint(t, jwt.SigningMethodHS256, testKey, map[string]any{"typ": "at+jwt"}, with(good, "exp", past, "iat", past-60))
	require.Equal(t, 401, do(t, r, "GET", "/x", nil, bearer(expired)...).Code)
	require.Len(t, logged, 1)
	assert.ErrorIs(t, logged[0], ginjwt.ErrTokenExpired)
	assert.ErrorIs(t, logged[0], ginjwt.ErrTokenInvalid)
	assert.ErrorIs(t, logged[0], jwt.ErrTokenExpired, "golang-jwt's sentinel stays in the chain")
}

func TestOptional(t *testing.T) {
	f := newFixture(t)
	r := engine[memstore.User](ginjwt.Optional(f.cfg))
	tests := []struct {
		name    string
		headers []string
		status  int
		body    string
	}{
		{"no token", nil, 200, `{"user":null}`},
		{"basic is left to others", []string{"Authorization", "Basic YTpi"}, 200, `{"user":null}`},
		{"valid token", bearer(f.pair(t).AccessToken), 200, `{"user":"` + f.user.ID + `"}`},
		{"invalid token of ours", bearer("a.b.c"), 401, `{"detail":"Invalid token"}`},
		{"malformed bearer", []string{"Authorization", "Bearer"}, 401, `{"detail":"Invalid token"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := do(t, r, "GET", "/api/me", nil, tc.headers...)
			assert.Equal(t, tc.status, w.Code)
			assert.JSONEq(t, tc.body, w.Body.String())
		})
	}
}

func TestRequire(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	api := r.Group("/api", ginjwt.New(f.cfg))
	admin := api.Group("/admin", ginjwt.Require(func(u memstore.User) bool { return u.IsStaff() }))
	admin.GET("", func(c *gin.Context) { c.String(200, "welcome") })
	r.GET("/unprotected", ginjwt.RequireStaff[memstore.User](), func(c *gin.Context) { c.Status(200) })

	a := ginjwt.MustCompile(f.cfg)
	tok := f.pair(t).AccessToken
	w := do(t, r, "GET", "/api/admin", nil, bearer(tok)...)
	assert.Equal(t, http.StatusForbidden, w.Code)
	assert.Equal(t, `Bearer error="insufficient_scope", error_description="You do not have permission to perform this action"`, w.Header().Get("WWW-Authenticate"))
	assert.NotEmpty(t, w.detail(t))

	require.NoError(t, f.store.SetStaff(f.user.ID, true))
	a.InvalidateUser(f.user.ID)
	w = do(t, r, "GET", "/api/admin", nil, bearer(tok)...)
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "welcome", w.Body.String())

	w = do(t, r, "GET", "/unprotected", nil)
	assert.Equal(t, 401, w.Code, "Require without a user is a 401, not a 403")
}

func TestPublicPathsAndSkipUnderGlobalMiddleware(t *testing.T) {
	f := newFixture(t)
	cfg := f.cfg
	cfg.PublicPaths = []string{"/health", "/docs/*"}
	cfg.Skip = func(c *gin.Context) bool { return c.GetHeader("X-Internal") == "yes" }
	r := gin.New()
	ok := func(c *gin.Context) { c.Status(200) }
	r.GET("/health", ok) // registered before Use: must not matter
	r.Use(ginjwt.New(cfg))
	r.GET("/docs/a/b", ok)
	r.GET("/private", ok)
	r.GET("/healthz", ok)

	assert.Equal(t, 200, do(t, r, "GET", "/health", nil).Code)
	assert.Equal(t, 200, do(t, r, "GET", "/docs/a/b", nil).Code)
	assert.Equal(t, 401, do(t, r, "GET", "/healthz", nil).Code, "an exact path is not a prefix")
	assert.Equal(t, 401, do(t, r, "GET", "/private", nil).Code)
	assert.Equal(t, 200, do(t, r, "GET", "/private", nil, "X-Internal", "yes").Code)
	assert.Equal(t, 200, do(t, r, "GET", "/private", nil, bearer(f.pair(t).AccessToken)...).Code)
}

func TestContextAccessors(t *testing.T) {
	f := newFixture(t)
	f.cfg.ExtraClaims = func(ctx context.Context, u memstore.User) (map[string]any, error) {
		return map[string]any{"plan": "pro", "quota": 7}, nil
	}
	r := gin.New()
	r.GET("/x", ginjwt.New(f.cfg), func(c *gin.Context) {
		u, ok := ginjwt.UserFromContext[memstore.User](c.Request.Context())
		require.True(t, ok)
		claims, ok := ginjwt.ClaimsFromContext(c.Request.Context())
		require.True(t, ok)
		claims2, ok := ginjwt.CurrentClaims(c)
		require.True(t, ok)
		require.Same(t, claims, claims2)
		require.Panics(t, func() { ginjwt.CurrentUser[otherUser](c) }, "the wrong user type on an authenticated request panics in gin.TestMode")
		var ext struct {
			Plan  string `json:"plan"`
			Quota int    `json:"quota"`
		}
		require.NoError(t, claims.Decode(&ext))
		c.JSON(200, gin.H{"id": u.ID, "sid": claims.SessionID, "plan": ext.Plan, "quota": ext.Quota, "type": claims.TokenType})
	})
	a := ginjwt.MustCompile(f.cfg)
	pair, err := a.IssueTokens(context.Background(), f.user, ginjwt.Client{})
	require.NoError(t, err)
	w := do(t, r, "GET", "/x", nil, bearer(pair.AccessToken)...)
	require.Equal(t, 200, w.Code, w.Body.String())
	var got map[string]any
	w.decode(t, &got)
	assert.Equal(t, f.user.ID, got["id"])
	assert.Equal(t, "pro", got["plan"])
	assert.EqualValues(t, 7, got["quota"])
	assert.Equal(t, "access", got["type"])
	assert.NotEmpty(t, got["sid"])

	f.cfg.ExtraClaims = func(ctx context.Context, u memstore.User) (map[string]any, error) {
		return map[string]any{"sub": "someone else"}, nil
	}
	_, err = ginjwt.MustCompile(f.cfg).IssueTokens(context.Background(), f.user, ginjwt.Client{})
	assert.ErrorContains(t, err, `reserved claim "sub"`)
}

type otherUser struct{ memstore.User }

func TestIssuedTokenShape(t *testing.T) {
	f := newFixture(t)
	f.cfg.Issuer, f.cfg.Audience, f.cfg.KeyID = "iss-1", "aud-1", "k1"
	pair := f.pair(t)
	tok, _, err := jwt.NewParser().ParseUnverified(pair.AccessToken, jwt.MapClaims{})
	require.NoError(t, err)
	assert.Equal(t, "at+jwt", tok.Header["typ"])
	assert.Equal(t, "HS256", tok.Header["alg"])
	assert.Equal(t, "k1", tok.Header["kid"])
	c := tok.Claims.(jwt.MapClaims)
	for _, k := range []string{"sub", "exp", "iat", "jti", "sid", "token_type", "iss", "aud"} {
		assert.Contains(t, c, k)
	}
	assert.Equal(t, "access", c["token_type"])
	assert.Equal(t, f.user.ID, c["sub"])
	exp, _ := c.GetExpirationTime()
	iat, _ := c.GetIssuedAt()
	assert.Equal(t, ginjwt.DefaultAccessTokenLifetime, exp.Sub(iat.Time))
	assert.Equal(t, "Bearer", pair.TokenType)
	assert.EqualValues(t, 900, pair.ExpiresIn)
}
