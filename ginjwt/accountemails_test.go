package ginjwt_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// inbox is a Mailer that keeps what it sends, and fails the first fail
// sends.
type inbox struct {
	mu   sync.Mutex
	fail int
	sent chan ginjwt.Message
}

func newInbox() *inbox { return &inbox{sent: make(chan ginjwt.Message, 100)} }

func (b *inbox) Send(_ context.Context, m ginjwt.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail > 0 {
		b.fail--
		return errors.New("mail server down")
	}
	b.sent <- m
	return nil
}

// next waits for the next mail.
func (b *inbox) next(t *testing.T) ginjwt.Message {
	t.Helper()
	select {
	case m := <-b.sent:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail was sent")
		return ginjwt.Message{}
	}
}

var tokenInLink = regexp.MustCompile(`https://app\.example\.com/(verify-email|reset-password)\?token=([A-Za-z0-9_-]+)`)

// token returns the token of the link in m.
func token(t *testing.T, m ginjwt.Message, page string) string {
	t.Helper()
	got := tokenInLink.FindStringSubmatch(m.Text)
	require.NotNil(t, got, "the mail holds a link: %q", m.Text)
	require.Equal(t, page, got[1])
	return got[2]
}

type mailFixture struct {
	*fixture
	inbox *inbox
	clock *clock
	auth  *ginjwt.Auth[memstore.User]
	r     *gin.Engine
}

func newMailFixture(t *testing.T, edit func(*ginjwt.Config[memstore.User])) *mailFixture {
	t.Helper()
	f := &mailFixture{fixture: newFixture(t), inbox: newInbox(), clock: newClock()}
	f.cfg.Now = f.clock.now
	f.cfg.Mail = &ginjwt.MailConfig{
		Mailer:     f.inbox,
		VerifyURL:  "https://app.example.com/verify-email",
		ResetURL:   "https://app.example.com/reset-password",
		RetryDelay: 10 * time.Millisecond,
	}
	if edit != nil {
		edit(&f.cfg)
	}
	f.r = gin.New()
	f.auth = ginjwt.Mount(f.r.Group("/auth"), f.cfg)
	t.Cleanup(func() { _ = f.auth.Close(context.Background()) })
	return f
}

// drain closes the queue, so that every queued job has run.
func (f *mailFixture) drain(t *testing.T) {
	t.Helper()
	require.NoError(t, f.auth.Close(context.Background()))
}

func (f *mailFixture) noMail(t *testing.T) {
	t.Helper()
	select {
	case m := <-f.inbox.sent:
		t.Fatalf("no mail expected, got one to %s", m.To)
	default:
	}
}

func TestSignupVerify(t *testing.T) {
	f := newMailFixture(t, nil)
	res := do(t, f.r, http.MethodPost, "/auth/signup", map[string]string{"email": "Bob@Example.com", "password": "a long password"})
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	var created map[string]any
	res.decode(t, &created)
	assert.Equal(t, false, created["is_verified"])

	m := f.inbox.next(t)
	assert.Equal(t, "Bob@Example.com", m.To)
	tok := token(t, m, "verify-email")

	res = do(t, f.r, http.MethodPost, "/auth/verify", map[string]string{"token": tok})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	var u map[string]any
	res.decode(t, &u)
	assert.Equal(t, true, u["is_verified"])
	assert.Equal(t, created["id"], u["id"])

	res = do(t, f.r, http.MethodPost, "/auth/verify", map[string]string{"token": tok})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a verification token is single-use")
	assert.Equal(t, "Invalid or expired token", res.detail(t))

	// A verified account gets no more verification mails.
	res = do(t, f.r, http.MethodPost, "/auth/verify/request", map[string]string{"email": "bob@example.com"})
	assert.Equal(t, http.StatusAccepted, res.Code)
	f.drain(t)
	f.noMail(t)
}

func TestMailRequestsRevealNothing(t *testing.T) {
	f := newMailFixture(t, nil)
	require.NoError(t, f.store.SetUserActive(context.Background(), f.user.ID, true))
	inactive := newUserIn(t, f.store, "off@example.com")
	require.NoError(t, f.store.SetUserActive(context.Background(), inactive.ID, false))
	for _, path := range []string{"/auth/verify/request", "/auth/password/forgot"} {
		var first response
		for i, email := range []string{"ada@example.com", "nobody@example.com", "off@example.com"} {
			res := do(t, f.r, http.MethodPost, path, map[string]string{"email": email})
			require.Equal(t, http.StatusAccepted, res.Code, res.Body.String())
			if i == 0 {
				first = res
				continue
			}
			assert.Equal(t, first.Body.String(), res.Body.String(), "%s: same body for %s", path, email)
			assert.Equal(t, first.Header(), res.Header(), "%s: same headers for %s", path, email)
		}
	}
	f.drain(t)
	var to []string
	for len(f.inbox.sent) > 0 {
		m := <-f.inbox.sent
		to = append(to, m.To+" "+m.Subject)
	}
	assert.ElementsMatch(t, []string{"ada@example.com Confirm your email address", "ada@example.com Reset your password"}, to,
		"only the existing account gets mail: a verification (unverified) and a reset (active)")
}

func newUserIn(t *testing.T, s *memstore.Store, email string) memstore.User {
	t.Helper()
	hash, err := testHasher.Hash(context.Background(), "correct horse battery")
	require.NoError(t, err)
	u, err := s.CreateUser(context.Background(), ginjwt.NewUser{Email: email, NormalizedEmail: email, PasswordHash: hash})
	require.NoError(t, err)
	return u
}

func TestMailCooldown(t *testing.T) {
	f := newMailFixture(t, nil)
	forgot := func() {
		t.Helper()
		res := do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"})
		require.Equal(t, http.StatusAccepted, res.Code)
	}
	forgot()
	first := token(t, f.inbox.next(t), "reset-password")
	forgot() // inside the cooldown: nothing sent, nothing stored
	f.clock.add(30 * time.Second)
	forgot()
	f.clock.add(31 * time.Second)
	forgot() // past it
	second := token(t, f.inbox.next(t), "reset-password")
	f.drain(t)
	f.noMail(t)
	assert.NotEqual(t, first, second)

	// A new request did not kill the earlier token.
	res := do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": first, "new_password": "brand new password"})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	// But the password change did kill the other one.
	res = do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": second, "new_password": "another new password"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a reset token dies when the password changes")
}

func TestPasswordReset(t *testing.T) {
	f := newMailFixture(t, nil)
	old := f.pair(t)
	// Some failed sign-ins, to see the throttle reset.
	for range 9 {
		do(t, f.r, http.MethodPost, "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong password"})
	}
	res := do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ADA@example.com"})
	require.Equal(t, http.StatusAccepted, res.Code)
	tok := token(t, f.inbox.next(t), "reset-password")

	res = do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": tok, "new_password": "short"})
	assert.Equal(t, http.StatusBadRequest, res.Code)
	assert.Contains(t, res.detail(t), "new_password", "the policy is checked before the token is spent")

	res = do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": tok, "new_password": "a brand new password"})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())

	res = do(t, f.r, http.MethodPost, "/auth/signin", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})
	assert.Equal(t, http.StatusUnauthorized, res.Code, "the old password no longer works")
	for range 2 { // the throttle was reset: 9 + 1 earlier failures would lock the account now
		res = do(t, f.r, http.MethodPost, "/auth/signin", map[string]string{"email": "ada@example.com", "password": "a brand new password"})
		assert.Equal(t, http.StatusOK, res.Code, "the new password works")
	}
	res = do(t, f.r, http.MethodGet, "/auth/me", nil, bearer(old.AccessToken)...)
	assert.Equal(t, http.StatusUnauthorized, res.Code, "sessions from before the reset are revoked")
	res = do(t, f.r, http.MethodPost, "/auth/refresh", map[string]string{"refresh_token": old.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, res.Code)

	u, err := f.store.FindUserByID(context.Background(), f.user.ID)
	require.NoError(t, err)
	assert.True(t, u.IsVerified(), "a reset proves the email")

	res = do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": tok, "new_password": "a third password"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a reset token is single-use")
}

func TestMailTokenExpiredOrMalformed(t *testing.T) {
	f := newMailFixture(t, nil)
	do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"})
	reset := token(t, f.inbox.next(t), "reset-password")
	do(t, f.r, http.MethodPost, "/auth/verify/request", map[string]string{"email": "ada@example.com"})
	verify := token(t, f.inbox.next(t), "verify-email")

	f.clock.add(time.Hour)
	res := do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": reset, "new_password": "a brand new password"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a reset token expires after 1h")
	body := res.Body.String()
	res = do(t, f.r, http.MethodPost, "/auth/password/reset", map[string]string{"token": verify, "new_password": "a brand new password"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a verification token does not reset a password")
	assert.Equal(t, body, res.Body.String())
	for _, bad := range []string{"", "x", flip(verify), verify + "A", "%%%" + verify[3:]} {
		res = do(t, f.r, http.MethodPost, "/auth/verify", map[string]string{"token": bad})
		assert.Equal(t, http.StatusBadRequest, res.Code, "%q", bad)
		assert.Equal(t, body, res.Body.String(), "one body for every bad token")
	}
	res = do(t, f.r, http.MethodPost, "/auth/verify", map[string]string{"token": verify})
	assert.Equal(t, http.StatusOK, res.Code, "a verification token lives 24h")
	f.clock.add(24 * time.Hour)
}

func TestRequireVerifiedEmail(t *testing.T) {
	f := newMailFixture(t, func(c *ginjwt.Config[memstore.User]) { c.RequireVerifiedEmail = true })
	signin := func(email, pw string) response {
		return do(t, f.r, http.MethodPost, "/auth/signin", map[string]string{"email": email, "password": pw})
	}
	assert.Equal(t, http.StatusUnauthorized, signin("ada@example.com", "wrong password").Code)
	assert.Equal(t, http.StatusUnauthorized, signin("nobody@example.com", "correct horse battery").Code)
	res := signin("ada@example.com", "correct horse battery")
	assert.Equal(t, http.StatusForbidden, res.Code)
	assert.Equal(t, "Email not verified", res.detail(t))
	assert.Empty(t, res.Header().Get("WWW-Authenticate"))

	off := newUserIn(t, f.store, "off@example.com")
	require.NoError(t, f.store.SetUserActive(context.Background(), off.ID, false))
	assert.Equal(t, http.StatusUnauthorized, signin("off@example.com", "correct horse battery").Code, "an inactive account stays 401")

	require.NoError(t, f.auth.SetEmailVerified(context.Background(), f.user.ID, true))
	assert.Equal(t, http.StatusOK, signin("ada@example.com", "correct horse battery").Code)

	_, err := ginjwt.Compile(ginjwt.Config[plainUser]{SigningKey: testKey, Users: plainStore{}, RequireVerifiedEmail: true})
	assert.ErrorIs(t, err, ginjwt.ErrConfig, "RequireVerifiedEmail needs a user type with IsVerified")
}

// plainUser has no IsVerified.
type plainUser struct{}

func (plainUser) Subject() string           { return "1" }
func (plainUser) HashedPassword() string    { return "" }
func (plainUser) IsActive() bool            { return true }
func (plainUser) IsStaff() bool             { return false }
func (plainUser) CredentialsVersion() int64 { return 0 }

type plainStore struct{ ginjwt.UserStore[plainUser] }

func TestMailRetriedAndDrained(t *testing.T) {
	f := newMailFixture(t, nil)
	f.inbox.fail = 3 // down for three attempts, then back
	res := do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"})
	require.Equal(t, http.StatusAccepted, res.Code)
	f.drain(t) // Close waits for the retries
	m := f.inbox.next(t)
	assert.Equal(t, "Reset your password", m.Subject)

	res = do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"})
	assert.Equal(t, http.StatusAccepted, res.Code, "after Close the answer is the same; the mail is dropped")
}

func TestMailThrottled(t *testing.T) {
	f := newMailFixture(t, nil)
	for i := range 10 {
		res := do(t, f.r, http.MethodPost, "/auth/verify/request", map[string]string{"email": "nobody@example.com"})
		require.Equal(t, http.StatusAccepted, res.Code, "request %d", i)
	}
	res := do(t, f.r, http.MethodPost, "/auth/verify/request", map[string]string{"email": "nobody@example.com"})
	assert.Equal(t, http.StatusTooManyRequests, res.Code)
	assert.NotEmpty(t, res.Header().Get("Retry-After"))
	assert.Contains(t, res.detail(t), "Too many requests for this address", "not a sign-in's message")
	res = do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "nobody@example.com"})
	assert.Equal(t, http.StatusAccepted, res.Code, "each route counts on its own")
	res = do(t, f.r, http.MethodPost, "/auth/verify/request", map[string]string{"email": "not an email"})
	assert.Equal(t, http.StatusBadRequest, res.Code)
}

func TestMailRoutesRenamedAndOff(t *testing.T) {
	f := newMailFixture(t, func(c *ginjwt.Config[memstore.User]) {
		c.Paths.PasswordForgot = "/forgot"
		c.Paths.Verify = "-"
	})
	assert.Equal(t, http.StatusAccepted, do(t, f.r, http.MethodPost, "/auth/forgot", map[string]string{"email": "a@example.com"}).Code)
	assert.Equal(t, http.StatusNotFound, do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "a@example.com"}).Code)
	assert.Equal(t, http.StatusNotFound, do(t, f.r, http.MethodPost, "/auth/verify", map[string]string{"token": "x"}).Code)

	plain := newFixture(t)
	r := gin.New()
	ginjwt.Mount(r.Group("/auth"), plain.cfg)
	assert.Equal(t, http.StatusNotFound, do(t, r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "a@example.com"}).Code, "no mail routes without Config.Mail")
}

// flip changes the last character of a token.
func flip(tok string) string {
	last := byte('A')
	if tok[len(tok)-1] == 'A' {
		last = 'B'
	}
	return tok[:len(tok)-1] + string(last)
}

// purgeCounter counts background purges of mail tokens.
type purgeCounter struct {
	*memstore.Store
	purged atomic.Int64
}

func (p *purgeCounter) PurgeMailTokens(ctx context.Context, now time.Time) (int, error) {
	n, err := p.Store.PurgeMailTokens(ctx, now)
	p.purged.Add(int64(n))
	return n, err
}

func TestExpiredMailTokensArePurgedInTheBackground(t *testing.T) {
	var pc *purgeCounter
	f := newMailFixture(t, func(c *ginjwt.Config[memstore.User]) {
		pc = &purgeCounter{Store: c.Users.(*memstore.Store)}
		c.Users = pc
	})
	res := do(t, f.r, http.MethodPost, "/auth/password/forgot", map[string]string{"email": "ada@example.com"})
	require.Equal(t, http.StatusAccepted, res.Code)
	f.inbox.next(t)            // the token is stored
	f.clock.add(2 * time.Hour) // past the reset token's hour, and the purge interval
	res = do(t, f.r, http.MethodPost, "/auth/signin", map[string]string{"email": "ada@example.com", "password": adaPassword})
	require.Equal(t, http.StatusOK, res.Code)
	require.Eventually(t, func() bool { return pc.purged.Load() == 1 }, 10*time.Second, 5*time.Millisecond,
		"a sign-in starts the background purge, which deletes the expired mail token")
}

// In cookie mode the mail routes, which send mail without an access
// token, are guarded like signin: a foreign Origin is 403, a body not
// declared JSON 415 (a cross-site HTML form cannot send mail from the
// victim's browser).
func TestMailRoutesGuardedInCookieMode(t *testing.T) {
	f := newMailFixture(t, func(c *ginjwt.Config[memstore.User]) { c.Cookies = &ginjwt.CookieConfig{} })
	body := `{"email":"ada@example.com"}`
	for _, path := range []string{"/auth/verify/request", "/auth/password/forgot", "/auth/verify", "/auth/password/reset"} {
		res := do(t, f.r, http.MethodPost, path, body, "Content-Type", "application/json", "Origin", "https://evil.example")
		assert.Equal(t, http.StatusForbidden, res.Code, "%s from a foreign origin", path)
		res = do(t, f.r, http.MethodPost, path, body, "Content-Type", "text/plain")
		assert.Equal(t, http.StatusUnsupportedMediaType, res.Code, "%s with a form type", path)
	}
	res := do(t, f.r, http.MethodPost, "/auth/password/forgot", body, "Content-Type", "application/json", "Origin", "http://example.com")
	assert.Equal(t, http.StatusAccepted, res.Code, "the server's own origin: %s", res.Body.String())
	f.drain(t)
	f.inbox.next(t)
}
