package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const testSecret = "an example secret of at least 32 bytes!"

func startApp(t *testing.T, db string, lookup func(string) (string, bool)) *httptest.Server {
	t.Helper()
	a, err := newApp(context.Background(), appOptions{DB: db, Lookup: lookup, Logger: quiet})
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })
	return srv
}

type client struct {
	t   *testing.T
	srv *httptest.Server
}

func (c client) do(method, path, body, token string, headers ...string) (int, http.Header, map[string]any, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.srv.Client().Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var obj map[string]any
	_ = json.Unmarshal(raw, &obj)
	return resp.StatusCode, resp.Header, obj, string(raw)
}

// contract walks the README's session and the spec's example-server
// routes against one running server.
func contract(t *testing.T, srv *httptest.Server) {
	c := client{t, srv}
	code, _, body, _ := c.do("GET", "/", "", "")
	assert.Equal(t, 200, code)
	assert.NotEmpty(t, body)

	code, _, user, raw := c.do("POST", "/auth/signup", `{"email":"Ada@Example.com","password":"correct horse battery","first_name":"Ada","is_staff":true}`, "")
	require.Equal(t, 201, code, raw)
	assert.Equal(t, "Ada@Example.com", user["email"])
	assert.Equal(t, "Ada", user["first_name"])
	assert.Equal(t, false, user["is_staff"])
	assert.IsType(t, "", user["id"])
	assert.NotContains(t, raw, "password")

	code, _, _, _ = c.do("POST", "/auth/signup", `{"email":"ada@example.COM","password":"correct horse battery"}`, "")
	assert.Equal(t, 409, code)

	// Operator injection never reaches a query: a non-string is a 400.
	for _, body := range []string{
		`{"email":{"$ne":null},"password":"correct horse battery"}`,
		`{"email":"ada@example.com","password":{"$gt":""}}`,
		`{"email":{"$regex":".*"},"password":{"$ne":"x"}}`,
	} {
		code, _, obj, _ := c.do("POST", "/auth/signin", body, "")
		assert.Equal(t, 400, code, body)
		assert.NotEmpty(t, obj["detail"])
	}
	code, _, _, _ = c.do("POST", "/auth/signin", `{"email":"{\"$ne\":null}","password":"x"}`, "")
	assert.Equal(t, 401, code, "an operator-looking string is just an unknown email")

	code, hdr, pair, raw := c.do("POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "",
		"X-Forwarded-For", "203.0.113.9")
	require.Equal(t, 200, code, raw)
	assert.Equal(t, "no-store", hdr.Get("Cache-Control"))
	access, refresh := pair["access_token"].(string), pair["refresh_token"].(string)
	assert.Equal(t, "Bearer", pair["token_type"])
	assert.EqualValues(t, 900, pair["expires_in"])

	code, _, me, _ := c.do("GET", "/auth/me", "", access)
	assert.Equal(t, 200, code)
	assert.Equal(t, user["id"], me["id"])
	code, _, profile, _ := c.do("GET", "/api/profile", "", access)
	assert.Equal(t, 200, code)
	assert.Equal(t, user["id"], profile["id"])
	code, hdr, _, _ = c.do("GET", "/api/admin", "", access)
	assert.Equal(t, 403, code)
	assert.Contains(t, hdr.Get("WWW-Authenticate"), `error="insufficient_scope"`)
	code, hdr, _, _ = c.do("GET", "/api/profile", "", "")
	assert.Equal(t, 401, code)
	assert.True(t, strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer"))

	code, _, _, raw = c.do("GET", "/auth/sessions", "", access)
	require.Equal(t, 200, code)
	var sessions []map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &sessions))
	require.Len(t, sessions, 1)
	assert.Equal(t, "127.0.0.1", sessions[0]["ip"], "X-Forwarded-For is not believed without TRUSTED_PROXIES")

	code, _, pair2, raw := c.do("POST", "/auth/refresh", `{"refresh_token":"`+refresh+`"}`, "")
	require.Equal(t, 200, code, raw)
	access2 := pair2["access_token"].(string)
	code, _, _, _ = c.do("POST", "/auth/refresh", `{"refresh_token":"`+refresh+`"}`, "")
	assert.Equal(t, 401, code, "reuse")
	code, _, _, _ = c.do("GET", "/api/profile", "", access2)
	assert.Equal(t, 401, code, "reuse revoked the family")

	code, _, pair3, _ := c.do("POST", "/auth/signin", `{"email":"ada@example.com","password":"correct horse battery"}`, "")
	require.Equal(t, 200, code)
	access3 := pair3["access_token"].(string)
	code, _, _, _ = c.do("POST", "/auth/logout", "", access3)
	assert.Equal(t, 204, code)
	code, _, body, _ = c.do("GET", "/auth/me", "", access3)
	assert.Equal(t, 401, code)
	assert.Equal(t, "Token has been revoked", body["detail"])

	code, _, body, _ = c.do("GET", "/no/such/route", "", "")
	assert.Equal(t, 404, code)
	assert.NotEmpty(t, body["detail"])
	code, _, body, _ = c.do("DELETE", "/auth/signin", "", "")
	assert.Equal(t, 405, code)
	assert.NotEmpty(t, body["detail"])
	code, _, body, _ = c.do("POST", "/auth/signup", strings.Repeat("x", 100<<10), "")
	assert.Contains(t, []int{400, 413}, code)
	assert.NotEmpty(t, body["detail"])
}

func TestContractSQLite(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "example.db")
	contract(t, startApp(t, db, env("JWT_SECRET_KEY", testSecret)))
}

func TestContractPostgres(t *testing.T) {
	dsn := pgtest.CreateDatabase(t)
	contract(t, startApp(t, dsn, env("JWT_SECRET_KEY", testSecret)))
}

func TestRandomKeyWhenUnset(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "example.db")
	contract(t, startApp(t, db, env()))
}

func TestStartupErrorsNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "x.db")
	tests := []struct {
		name   string
		db     string
		lookup func(string) (string, bool)
		want   string
	}{
		{"bad lifetime", db, env("JWT_ACCESS_TOKEN_LIFETIME", "soon"), "JWT_ACCESS_TOKEN_LIFETIME"},
		{"short key", db, env("JWT_SECRET_KEY", "short"), "JWT_SECRET_KEY"},
		{"asymmetric algorithm without a key", db, env("JWT_ALGORITHM", "RS256"), "JWT_PRIVATE_KEY_FILE"},
		{"unknown algorithm", db, env("JWT_ALGORITHM", "XX1"), "JWT_ALGORITHM"},
		{"bad proxies", db, env("JWT_SECRET_KEY", testSecret, "TRUSTED_PROXIES", "not-a-cidr"), "TRUSTED_PROXIES"},
		{"unknown scheme", "redis://localhost", env(), "unsupported database"},
		{"empty sqlite path", "sqlite://", env(), "needs a file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newApp(context.Background(), appOptions{DB: tc.db, Lookup: tc.lookup, Logger: quiet})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTrustedProxies(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "example.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret, "TRUSTED_PROXIES", "127.0.0.1/32"))
	c := client{t, srv}
	code, _, _, _ := c.do("POST", "/auth/signup", `{"email":"p@example.com","password":"correct horse battery"}`, "")
	require.Equal(t, 201, code)
	code, _, pair, _ := c.do("POST", "/auth/signin", `{"email":"p@example.com","password":"correct horse battery"}`, "",
		"X-Forwarded-For", "203.0.113.9")
	require.Equal(t, 200, code)
	_, _, _, raw := c.do("GET", "/auth/sessions", "", pair["access_token"].(string))
	assert.Contains(t, raw, `"ip":"203.0.113.9"`, "a trusted proxy's X-Forwarded-For is believed")
}

func TestContractMongo(t *testing.T) {
	uri := mongotest.URI(t)
	u, err := url.Parse(uri)
	require.NoError(t, err)
	u.Path = "/" + mongotest.Database(t).Name() // dropped when the test ends
	srv := startApp(t, u.String(), env("JWT_SECRET_KEY", testSecret))
	contract(t, srv)
}

func TestMongoURLNeedsADatabase(t *testing.T) {
	_, err := newApp(context.Background(), appOptions{DB: "mongodb://127.0.0.1:1", Lookup: env(), Logger: quiet})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "name the database")
}

func TestMain(m *testing.M) { mongotest.Main(m) }
