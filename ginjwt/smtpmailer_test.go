package ginjwt_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/internal/mailpittest"
)

// mailpitApp mounts the routes with an SMTPMailer that sends to a real
// Mailpit.
func mailpitApp(t *testing.T) (*fixture, *mailpittest.Server, *gin.Engine, *ginjwt.Auth[memstore.User]) {
	t.Helper()
	mp := mailpittest.Start(t)
	smtp, err := ginjwt.ParseSMTPURL("smtp://"+mp.SMTPAddr, "Auth <auth@example.com>")
	require.NoError(t, err)
	smtp.Timeout = 2 * time.Second
	f := newFixture(t)
	f.cfg.Mail = &ginjwt.MailConfig{
		Mailer:     smtp,
		VerifyURL:  "https://app.example.com/verify-email",
		ResetURL:   "https://app.example.com/reset-password",
		RetryDelay: 200 * time.Millisecond,
		Retries:    6,
	}
	r := gin.New()
	a := ginjwt.Mount(r.Group("/auth"), f.cfg)
	t.Cleanup(func() { _ = a.Close(context.Background()) })
	return f, mp, r, a
}

var linkToken = regexp.MustCompile(`https://app\.example\.com/(?:verify-email|reset-password)\?token=([A-Za-z0-9_-]{43})`)

func mailToken(t *testing.T, m mailpittest.Mail) string {
	t.Helper()
	got := linkToken.FindStringSubmatch(m.Text)
	require.NotNil(t, got, "a link in %q", m.Text)
	return got[1]
}

func TestMailpitSignupVerify(t *testing.T) {
	_, mp, r, _ := mailpitApp(t)
	res := do(t, r, http.MethodPost, "/auth/signup", map[string]string{"email": "zoe@example.com", "password": "a long password"})
	require.Equal(t, http.StatusCreated, res.Code)
	m := mp.WaitFor(t, "zoe@example.com", 1)
	assert.Equal(t, "Confirm your email address", m.Subject)
	assert.NotEmpty(t, m.Headers["Message-Id"], "a Message-ID header")
	assert.NotEmpty(t, m.Headers["Date"], "a Date header")
	res = do(t, r, http.MethodPost, "/auth/verify", map[string]string{"token": mailToken(t, m)})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Contains(t, res.Body.String(), `"is_verified":true`)
}

func TestMailpitReset(t *testing.T) {
	f, mp, r, _ := mailpitApp(t)
	old := f.pair(t)
	require.Equal(t, http.StatusAccepted, do(t, r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"}).Code)
	tok := mailToken(t, mp.WaitFor(t, "ada@example.com", 1))

	// Within the cooldown, nothing more is sent.
	require.Equal(t, http.StatusAccepted, do(t, r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"}).Code)

	res := do(t, r, http.MethodPost, "/auth/password/reset", map[string]string{"token": tok, "new_password": "a brand new password"})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, http.StatusUnauthorized, do(t, r, http.MethodPost, "/auth/signin", map[string]string{"email": "ada@example.com", "password": "correct horse battery"}).Code)
	assert.Equal(t, http.StatusOK, do(t, r, http.MethodPost, "/auth/signin", map[string]string{"email": "ada@example.com", "password": "a brand new password"}).Code)
	assert.Equal(t, http.StatusUnauthorized, do(t, r, http.MethodGet, "/auth/me", nil, bearer(old.AccessToken)...).Code)
	res = do(t, r, http.MethodPost, "/auth/password/reset", map[string]string{"token": tok, "new_password": "a third password"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a used token")
	assert.Equal(t, 1, mp.Count(t, "ada@example.com"), "the cooldown kept the second request from sending")
}

func TestMailpitDownThenBack(t *testing.T) {
	_, mp, r, a := mailpitApp(t)
	mp.Stop()
	require.Equal(t, http.StatusAccepted, do(t, r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"}).Code)
	time.Sleep(500 * time.Millisecond) // the first attempts fail
	mp.Restart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, a.Close(ctx), "Close drains the retries")
	m := mp.WaitFor(t, "ada@example.com", 1)
	assert.Equal(t, "Reset your password", m.Subject)
}
