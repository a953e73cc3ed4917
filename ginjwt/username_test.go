package ginjwt_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

func TestNormalizeAndCheckUsername(t *testing.T) {
	for in, want := range map[string]string{
		"  Ada.Lovelace ": "ada.lovelace",
		"ＡＤＡ":             "ada", // full-width, NFKC
		"Straße":          "strasse",
		"ſam":             "sam",
		"ΣΊΣΥΦΟΣ":         "σίσυφοσ",
		"x_1-2":           "x_1-2",
		"":                "",
	} {
		u, n, err := ginjwt.CheckUsername(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, n, in)
		assert.Equal(t, strings.TrimSpace(in), u, "kept as typed, trimmed")
		assert.Equal(t, want, ginjwt.NormalizeUsername(in))
	}
	for _, in := range []string{"a b", "a@b", "x!", "tab\tname", "zero\u200bwidth", "nul\x00", strings.Repeat("a", ginjwt.MaxUsernameLength+1), "emoji😀"} {
		_, _, err := ginjwt.CheckUsername(in)
		assert.ErrorIs(t, err, ginjwt.ErrBadRequest, "%q", in)
	}
	_, _, err := ginjwt.CheckUsername(strings.Repeat("a", ginjwt.MaxUsernameLength))
	assert.NoError(t, err)
}

func TestSignupUsernames(t *testing.T) {
	a := newApp(t)
	signup := func(email, username string) response {
		return do(t, a.r, "POST", "/auth/signup", map[string]string{"email": email, "password": "longenough", "username": username})
	}
	w := signup("grace@example.com", "  Grace.H ")
	require.Equal(t, 201, w.Code, w.Body.String())
	var u map[string]any
	w.decode(t, &u)
	assert.Equal(t, "Grace.H", u["username"])

	for _, taken := range []string{"grace.h", "GRACE.H", "ｇｒａｃｅ.h"} {
		w = signup("other-"+taken+"@example.com", taken)
		assert.Equal(t, 409, w.Code, taken)
		assert.Equal(t, "A user with that username already exists", w.detail(t))
	}
	assert.Equal(t, "username_taken", ginjwt.ErrorCode(ginjwt.ErrUsernameTaken))
	assert.Equal(t, "user_exists", ginjwt.ErrorCode(ginjwt.ErrUserExists))
	w = signup("grace@example.com", "another")
	assert.Equal(t, 409, w.Code)
	assert.Equal(t, "A user with that email already exists", w.detail(t))

	for _, bad := range []string{"a b", "a@b", "x!"} {
		w = signup("bad@example.com", bad)
		assert.Equal(t, 400, w.Code, bad)
	}
	for i := range 3 { // many users without a username
		w = signup("nouser"+string(rune('a'+i))+"@example.com", "  ")
		assert.Equal(t, 201, w.Code, w.Body.String())
	}
}

// usernameApp is an app whose fixture user ada has the username "Ada".
func usernameApp(t *testing.T, mode ginjwt.SignInIdentifier, tweak ...func(*ginjwt.Config[memstore.User])) *app {
	t.Helper()
	return newApp(t, append([]func(*ginjwt.Config[memstore.User]){func(c *ginjwt.Config[memstore.User]) {
		c.SignInWith = mode
		u, err := c.Users.FindUserByEmail(context.Background(), "ada@example.com")
		require.NoError(t, err)
		store := c.Users.(*memstore.Store)
		// Give the fixture's user a normalised username, as signup would.
		_, err = store.CreateUser(context.Background(), ginjwt.NewUser{
			Email: "ada2@example.com", NormalizedEmail: "ada2@example.com", PasswordHash: u.PasswordHash,
			Username: "Ada", NormalizedUsername: "ada",
		})
		require.NoError(t, err)
	}}, tweak...)...)
}

func signinBody(kv ...string) map[string]string {
	m := map[string]string{"password": "correct horse battery"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestSigninByUsername(t *testing.T) {
	a := usernameApp(t, ginjwt.SignInUsername)
	for _, name := range []string{"Ada", " ada ", "ＡＤＡ"} {
		w := do(t, a.r, "POST", "/auth/signin", signinBody("username", name))
		assert.Equal(t, 200, w.Code, "%q: %s", name, w.Body.String())
	}
	w := do(t, a.r, "POST", "/auth/signin", signinBody("email", "ada2@example.com"))
	assert.Equal(t, 400, w.Code, "email sign-in is off")
	w = do(t, a.r, "POST", "/auth/signin", signinBody())
	assert.Equal(t, 400, w.Code)
	assert.Equal(t, "username is required", w.detail(t))

	wrong := do(t, a.r, "POST", "/auth/signin", signinBody("username", "ada", "password", "wrong password"))
	unknown := do(t, a.r, "POST", "/auth/signin", signinBody("username", "nobody"))
	for _, w := range []response{wrong, unknown} {
		assert.Equal(t, 401, w.Code)
		assert.Equal(t, "Invalid username or password", w.detail(t))
	}
	assert.Equal(t, wrong.Body.String(), unknown.Body.String())

	// Email mode, the default, refuses a username.
	e := newApp(t)
	w = do(t, e.r, "POST", "/auth/signin", signinBody("username", "ada"))
	assert.Equal(t, 400, w.Code)
	assert.Equal(t, "sign in with your email", w.detail(t))
}

func TestSigninByEmailOrUsername(t *testing.T) {
	a := usernameApp(t, ginjwt.SignInEmailOrUsername)
	for _, body := range []map[string]string{
		signinBody("email", "ADA2@example.com"),
		signinBody("username", "ada"),
		signinBody("login", "ada"),
		signinBody("login", "ada2@example.com"),
	} {
		w := do(t, a.r, "POST", "/auth/signin", body)
		assert.Equal(t, 200, w.Code, "%v: %s", body, w.Body.String())
	}
	w := do(t, a.r, "POST", "/auth/signin", signinBody("email", "ada2@example.com", "username", "ada"))
	assert.Equal(t, 400, w.Code, "one identifier at a time")

	var bodies []string
	for _, body := range []map[string]string{
		signinBody("email", "ada2@example.com", "password", "wrong password"),
		signinBody("username", "ada", "password", "wrong password"),
		signinBody("username", "nobody"),
		signinBody("email", "nobody@example.com"),
	} {
		w := do(t, a.r, "POST", "/auth/signin", body)
		assert.Equal(t, 401, w.Code)
		bodies = append(bodies, w.Body.String())
	}
	assert.Len(t, slices.Compact(bodies), 1, "one 401 body: %q", bodies)
}

// Alternating the email and the username of one account counts against
// one throttle key: no extra guesses.
func TestUsernameAndEmailShareTheThrottle(t *testing.T) {
	a := usernameApp(t, ginjwt.SignInEmailOrUsername, func(c *ginjwt.Config[memstore.User]) {
		c.Throttle = ginjwt.NewMemoryThrottle(4, time.Hour, 0)
	})
	for i := range 4 {
		body := signinBody("email", "ada2@example.com", "password", "wrong password")
		if i%2 == 1 {
			body = signinBody("username", "ADA", "password", "wrong password")
		}
		w := do(t, a.r, "POST", "/auth/signin", body)
		require.Equal(t, 401, w.Code, "attempt %d", i)
	}
	for _, body := range []map[string]string{signinBody("username", "ada"), signinBody("email", "ada2@example.com"), signinBody("login", "ada")} {
		w := do(t, a.r, "POST", "/auth/signin", body)
		assert.Equal(t, 429, w.Code, "%v", body)
		assert.NotEmpty(t, w.Header().Get("Retry-After"))
	}
	// The other account, and unknown usernames, are counted apart, and an
	// unknown username is locked out like a known one.
	assert.Equal(t, 200, do(t, a.r, "POST", "/auth/signin", signinBody("email", "ada@example.com")).Code)
	for range 4 {
		assert.Equal(t, 401, do(t, a.r, "POST", "/auth/signin", signinBody("username", "ghost")).Code)
	}
	assert.Equal(t, 429, do(t, a.r, "POST", "/auth/signin", signinBody("username", "GHOST")).Code)
}

// Sign-in by username spends one password verification whatever fails,
// like sign-in by email: an unknown username must not answer faster.
func TestSigninByUsernameTakesTheSameTime(t *testing.T) {
	slow := password.MustNew(password.Options{Argon2: password.Params{Memory: 8 * 1024, Time: 2, Threads: 1}})
	a := usernameApp(t, ginjwt.SignInEmailOrUsername, func(c *ginjwt.Config[memstore.User]) { c.Passwords = slow })
	// The fixture's hash is cheap: give ada a hash at these parameters.
	u, err := a.store.FindUserByUsername(context.Background(), "ada")
	require.NoError(t, err)
	hash, err := slow.Hash(context.Background(), "correct horse battery")
	require.NoError(t, err)
	require.NoError(t, a.store.SetPasswordHash(context.Background(), u.ID, hash))

	median := func(body map[string]string) time.Duration {
		var ds []time.Duration
		for range 5 {
			start := time.Now()
			w := do(t, a.r, "POST", "/auth/signin", body)
			ds = append(ds, time.Since(start))
			require.Equal(t, 401, w.Code)
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	wrong := median(signinBody("username", "ada", "password", "wrong password"))
	unknown := median(signinBody("username", "nobody"))
	unknownEmail := median(signinBody("email", "nobody@example.com"))
	t.Logf("wrong password %v, unknown username %v, unknown email %v", wrong, unknown, unknownEmail)
	for _, d := range []time.Duration{unknown, unknownEmail} {
		assert.Greater(t, d, wrong/3)
		assert.Less(t, d, wrong*3)
	}
}

func TestSignInWithNeedsAUsernameFinder(t *testing.T) {
	f := newFixture(t)
	f.cfg.Users = emailOnlyUsers{f.store}
	f.cfg.SignInWith = ginjwt.SignInUsername
	_, err := ginjwt.Compile(f.cfg)
	assert.ErrorIs(t, err, ginjwt.ErrConfig)
	assert.ErrorContains(t, err, "SignInWith")
	f.cfg.SignInWith = 7
	_, err = ginjwt.Compile(f.cfg)
	assert.ErrorContains(t, err, "SignInWith")
}

// emailOnlyUsers hides every optional method of the store.
type emailOnlyUsers struct{ s *memstore.Store }

func (e emailOnlyUsers) FindUserByID(ctx context.Context, id string) (memstore.User, error) {
	return e.s.FindUserByID(ctx, id)
}
func (e emailOnlyUsers) FindUserByEmail(ctx context.Context, em string) (memstore.User, error) {
	return e.s.FindUserByEmail(ctx, em)
}
func (e emailOnlyUsers) CreateUser(ctx context.Context, nu ginjwt.NewUser) (memstore.User, error) {
	return e.s.CreateUser(ctx, nu)
}
func (e emailOnlyUsers) SetPasswordHash(ctx context.Context, id, h string) error {
	return e.s.SetPasswordHash(ctx, id, h)
}
func (e emailOnlyUsers) RecordLogin(ctx context.Context, id string, at time.Time) error {
	return e.s.RecordLogin(ctx, id, at)
}
