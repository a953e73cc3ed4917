package main

import (
	"context"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/internal/mailpittest"
	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

const appURL = "https://app.example.com"

var mailLink = regexp.MustCompile(regexp.QuoteMeta(appURL) + `(/(?:verify-email|reset-password))\?token=([A-Za-z0-9_-]+)`)

// linkOf returns the page path and the token of the one link in a mail.
func linkOf(t *testing.T, m mailpittest.Mail) (string, string) {
	t.Helper()
	found := mailLink.FindAllStringSubmatch(m.Text, -1)
	require.Len(t, found, 1, "one link in the mail: %s", m.Text)
	return found[0][1], found[0][2]
}

// accountEmails is the spec's account-email contract, through the example
// server and a real SMTP server.
func accountEmails(t *testing.T, db string) {
	mp := mailpittest.Start(t)
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret, "SMTP_URL", "smtp://"+mp.SMTPAddr, "APP_URL", appURL, "AUTH_REQUIRE_VERIFIED_EMAIL", "1"))
	c := client{t, srv}
	const email, pw = "mail@example.com", "correct horse battery"

	// Sign-up sends the verification mail; until it is used, a correct
	// password gets 403, a wrong one the usual 401.
	code, _, user, _ := c.do("POST", "/auth/signup", `{"email":"`+email+`","password":"`+pw+`"}`, "")
	require.Equal(t, 201, code)
	assert.Equal(t, false, user["is_verified"])
	code, _, body, _ := c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"`+pw+`"}`, "")
	assert.Equal(t, 403, code)
	assert.Equal(t, "Email not verified", body["detail"])
	code, _, _, _ = c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"wrong password"}`, "")
	assert.Equal(t, 401, code)

	page, token := linkOf(t, mp.WaitFor(t, email, 1))
	assert.Equal(t, "/verify-email", page)
	// Opening the link shows a page and spends nothing.
	code, hdr, _, html := c.do("GET", page+"?token="+url.QueryEscape(token), "", "")
	require.Equal(t, 200, code)
	assert.Equal(t, "no-referrer", hdr.Get("Referrer-Policy"))
	assert.Equal(t, "no-store", hdr.Get("Cache-Control"))
	assert.Contains(t, html, "<form")
	code, _, user, _ = c.do("POST", "/auth/verify", `{"token":"`+token+`"}`, "")
	require.Equal(t, 200, code)
	assert.Equal(t, true, user["is_verified"])
	code, _, body, _ = c.do("POST", "/auth/verify", `{"token":"`+token+`"}`, "")
	assert.Equal(t, 400, code, "a used token")
	assert.NotEmpty(t, body["detail"])
	code, _, old, _ := c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"`+pw+`"}`, "")
	require.Equal(t, 200, code)

	// Forgot and reset: the same answer for a known and an unknown email.
	codeKnown, hdrKnown, bodyKnown, _ := c.do("POST", "/auth/password/forgot", `{"email":"`+email+`"}`, "")
	codeUnknown, hdrUnknown, bodyUnknown, _ := c.do("POST", "/auth/password/forgot", `{"email":"nobody@example.com"}`, "")
	assert.Equal(t, 202, codeKnown)
	assert.Equal(t, codeKnown, codeUnknown)
	assert.Equal(t, bodyKnown, bodyUnknown)
	assert.Equal(t, hdrKnown.Get("Content-Type"), hdrUnknown.Get("Content-Type"))
	page, token = linkOf(t, mp.WaitFor(t, email, 2))
	assert.Equal(t, "/reset-password", page)
	code, hdr, _, _ = c.do("GET", page+"?token="+url.QueryEscape(token), "", "")
	require.Equal(t, 200, code)
	assert.Equal(t, "no-referrer", hdr.Get("Referrer-Policy"))
	code, _, _, _ = c.do("POST", "/auth/password/reset", `{"token":"`+token+`","new_password":"a brand new password"}`, "")
	require.Equal(t, 200, code)
	code, _, _, _ = c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"`+pw+`"}`, "")
	assert.Equal(t, 401, code, "the old password no longer works")
	code, _, _, _ = c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"a brand new password"}`, "")
	assert.Equal(t, 200, code, "the new one does")
	code, _, _, _ = c.do("GET", "/api/profile", "", old["access_token"].(string))
	assert.Equal(t, 401, code, "sessions from before the reset are revoked")
	code, _, body, _ = c.do("POST", "/auth/password/reset", `{"token":"`+token+`","new_password":"yet another password"}`, "")
	assert.Equal(t, 400, code, "a used reset token")
	code, _, body2, _ := c.do("POST", "/auth/password/reset", `{"token":"`+strings.Repeat("A", 43)+`","new_password":"yet another password"}`, "")
	assert.Equal(t, 400, code, "an unknown token")
	assert.Equal(t, body, body2, "one body for every bad token")
}

func TestAccountEmailsSQLite(t *testing.T) {
	accountEmails(t, "sqlite://"+filepath.Join(t.TempDir(), "example.db"))
}

func TestAccountEmailsPostgres(t *testing.T) {
	accountEmails(t, pgtest.CreateDatabase(t))
}

func TestAccountEmailsMongo(t *testing.T) {
	u, err := url.Parse(mongotest.URI(t))
	require.NoError(t, err)
	u.Path = "/" + mongotest.Database(t).Name()
	accountEmails(t, u.String())
}

func TestMailSettingsNameTheVariable(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "x.db")
	for name, tc := range map[string]struct {
		lookup func(string) (string, bool)
		want   string
	}{
		"bad smtp url": {env("JWT_SECRET_KEY", testSecret, "SMTP_URL", "ftp://x"), "SMTP_URL"},
		"bad app url":  {env("JWT_SECRET_KEY", testSecret, "SMTP_URL", "smtp://127.0.0.1:2525", "APP_URL", "not a url"), "APP_URL"},
		"bad verified": {env("JWT_SECRET_KEY", testSecret, "AUTH_REQUIRE_VERIFIED_EMAIL", "yes please"), "AUTH_REQUIRE_VERIFIED_EMAIL"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newApp(context.Background(), appOptions{DB: db, Lookup: tc.lookup, Logger: quiet})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
