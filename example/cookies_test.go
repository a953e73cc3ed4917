package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleCookieMode(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "cookies.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret, "AUTH_COOKIES", "1", "AUTH_TRUSTED_ORIGINS", "https://app.example.com, https://admin.example.com"))
	c := client{t, srv}
	code, _, _, raw := c.do("POST", "/auth/signup", `{"email":"ada@example.com","password":"correct horse battery"}`, "", "Content-Type", "application/json")
	require.Equal(t, 201, code, raw)

	signin := `{"email":"ada@example.com","password":"correct horse battery"}`
	code, _, _, _ = c.do("POST", "/auth/signin", signin, "", "Content-Type", "text/plain")
	assert.Equal(t, 415, code)
	code, _, _, _ = c.do("POST", "/auth/signin", signin, "", "Content-Type", "application/json", "Origin", "https://evil.example")
	assert.Equal(t, 403, code)
	code, hdr, body, raw := c.do("POST", "/auth/signin", signin, "", "Content-Type", "application/json", "Origin", "https://admin.example.com")
	require.Equal(t, 200, code, raw)
	assert.NotContains(t, body, "access_token")
	assert.NotEmpty(t, body["csrf_token"])
	cks := (&http.Response{Header: hdr}).Cookies()
	require.Len(t, cks, 3)
	var cookie []string
	for _, ck := range cks {
		cookie = append(cookie, ck.Name+"="+ck.Value)
		if ck.Name == "__Secure-refresh_token" {
			assert.Equal(t, "/auth", ck.Path)
		}
	}
	code, _, _, _ = c.do("GET", "/api/profile", "", "", "Cookie", strings.Join(cookie, "; "))
	assert.Equal(t, 200, code)
	code, _, _, _ = c.do("POST", "/auth/logout", "", "", "Cookie", strings.Join(cookie, "; "))
	assert.Equal(t, 403, code)

	code, hdr, _, raw = c.do("GET", "/demo/", "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, raw, `<script src="/demo/app.js"`)
	assert.Contains(t, hdr.Get("Content-Security-Policy"), "default-src 'self'")
	code, _, _, raw = c.do("GET", "/demo/app.js", "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, raw, "X-CSRF-Token")
}

func TestExampleCookieModeOff(t *testing.T) {
	srv := startApp(t, "sqlite://"+filepath.Join(t.TempDir(), "plain.db"), env("JWT_SECRET_KEY", testSecret))
	c := client{t, srv}
	code, _, _, _ := c.do("GET", "/demo/", "", "")
	assert.Equal(t, 404, code, "the demo page needs cookie mode")
}

func TestExampleCookieModeBadEnv(t *testing.T) {
	for _, kv := range [][]string{
		{"AUTH_COOKIES", "yes please"},
		{"AUTH_COOKIES", "1", "AUTH_TRUSTED_ORIGINS", "app.example.com"},
	} {
		_, err := newApp(context.Background(), appOptions{
			DB: "sqlite://" + filepath.Join(t.TempDir(), "bad.db"), Lookup: env(append([]string{"JWT_SECRET_KEY", testSecret}, kv...)...), Logger: quiet,
		})
		require.Error(t, err, "%v", kv)
		assert.Contains(t, err.Error(), kv[len(kv)-2])
	}
}
