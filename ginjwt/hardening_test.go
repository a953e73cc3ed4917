package ginjwt_test

// Tests of the defects a security review found (issue 7). Each failed on
// the code before its fix.

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Defect 1: a sign-in flood with huge emails must not pin memory.
func TestSigninFloodKeepsThrottleMemoryBounded(t *testing.T) {
	throttle := ginjwt.NewMemoryThrottle(0, 0, 500)
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.Throttle = throttle })
	huge := strings.Repeat("a", 60<<10-20) + "@example.com"

	before := heapInUse()
	for i := 0; i < 200; i++ {
		w := doFrom(t, a.r, "10.0.0.1", "POST", "/auth/signin", map[string]string{"email": fmt.Sprint(i) + huge, "password": "x"})
		require.Equal(t, http.StatusBadRequest, w.Code, "an email longer than an address can be is refused before anything is remembered")
	}
	assert.Zero(t, throttle.Len(), "refused emails leave no throttle key")

	// Distinct emails of the longest legal size, more than the cap.
	for i := 0; i < 1200; i++ {
		email := fmt.Sprintf("%05d%s@example.com", i, strings.Repeat("b", 254-len("@example.com")-5))
		w := doFrom(t, a.r, "10.0.0.2", "POST", "/auth/signin", map[string]string{"email": email, "password": "x"})
		require.Equal(t, http.StatusUnauthorized, w.Code, w.Body.String())
	}
	assert.LessOrEqual(t, throttle.Len(), 500, "the throttle holds at most its cap of keys")
	grown := int64(heapInUse()) - int64(before)
	// 500 keys of fixed size are well under 1 MiB; before the fix the
	// 200 huge emails alone pinned 12 MB.
	assert.Less(t, grown, int64(2<<20), "retained heap grew by %d bytes", grown)
}

func key(account, client string) ginjwt.ThrottleKey {
	return ginjwt.ThrottleKey{Account: ginjwt.AccountDigest("email", account), Client: ginjwt.ClientDigest(client)}
}

func TestMemoryThrottleEvictionSparesLockouts(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	th := ginjwt.NewMemoryThrottle(3, time.Minute, 10)
	locked := key("victim", "attacker")
	for i := 0; i < 3; i++ {
		wait, err := th.Attempt(ctx, locked, now)
		require.NoError(t, err)
		require.Zero(t, wait)
	}
	// The attacker floods fresh keys to push the lockout out.
	for i := 0; i < 50; i++ {
		_, err := th.Attempt(ctx, key(fmt.Sprint("flood", i), "attacker"), now)
		require.NoError(t, err)
	}
	assert.Equal(t, 10, th.Len())
	wait, err := th.Attempt(ctx, locked, now)
	require.NoError(t, err)
	assert.Positive(t, wait, "a live lockout survives a flood of unlocked keys")

	// When every candidate is a lockout, the oldest goes: memory wins.
	full := ginjwt.NewMemoryThrottle(1, time.Minute, 20)
	for i := 0; i < 40; i++ {
		_, err := full.Attempt(ctx, key(fmt.Sprint("k", i), "c"), now)
		require.NoError(t, err)
	}
	assert.Equal(t, 20, full.Len())

	// Keys whose attempts left the window go without waiting for eviction.
	_, _ = full.Attempt(ctx, key("late", "c"), now.Add(2*time.Minute))
	assert.Equal(t, 1, full.Len())
}

func TestMemoryThrottleResetAccount(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	th := ginjwt.NewMemoryThrottle(1, time.Minute, 0)
	for _, k := range []ginjwt.ThrottleKey{key("ada", "c1"), key("ada", "c2"), key("bob", "c1")} {
		_, err := th.Attempt(ctx, k, now)
		require.NoError(t, err)
	}
	require.NoError(t, th.ResetAccount(ctx, ginjwt.AccountDigest("email", "ada")))
	assert.Equal(t, 1, th.Len())
	for _, k := range []ginjwt.ThrottleKey{key("ada", "c1"), key("ada", "c2")} {
		wait, _ := th.Attempt(ctx, k, now)
		assert.Zero(t, wait, "ada's keys were reset on every client")
	}
	wait, _ := th.Attempt(ctx, key("bob", "c1"), now)
	assert.Positive(t, wait, "bob's key is untouched")
	assert.Len(t, key("x", "y").String(), 65)
}

func TestSigninFailureLogsTheEmailOnce(t *testing.T) {
	var errs []string
	a := newApp(t)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		c.Next()
		for _, e := range c.Errors {
			errs = append(errs, e.Error())
		}
	})
	ginjwt.Mount(r.Group("/auth"), a.cfg)
	do(t, r, "POST", "/auth/signin", map[string]string{"email": "secret-address@example.com", "password": "wrong"})
	require.NotEmpty(t, errs)
	for _, e := range errs {
		assert.NotContains(t, e, "secret-address", "the security event names the email; the request error need not repeat it")
	}
}

// Defect 9: IPv6 clients are throttled per /64 by default.
func TestThrottleKeysIPv6ByPrefix(t *testing.T) {
	for _, tc := range []struct {
		prefix   int
		sibling  string
		wantCode int
	}{
		{0, "2001:db8:0:0:ffff::2", 429},   // the default /64: same client
		{0, "2001:db8:0:1::1", 401},        // another /64
		{128, "2001:db8:0:0:ffff::2", 401}, // per address, when asked for
		{0, "::ffff:10.0.0.9", 401},        // IPv4 is whole
	} {
		t.Run(fmt.Sprint(tc.prefix, tc.sibling), func(t *testing.T) {
			a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.ThrottleIPv6Prefix = tc.prefix })
			for i := 0; i < ginjwt.DefaultThrottleLimit; i++ {
				w := doFrom(t, a.r, "[2001:db8::1]", "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong"})
				require.Equal(t, 401, w.Code)
			}
			w := doFrom(t, a.r, "["+tc.sibling+"]", "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong"})
			assert.Equal(t, tc.wantCode, w.Code)
		})
	}
	_, err := ginjwt.Compile(ginjwt.Config[memstore.User]{SigningKey: testKey, Users: memstore.New(), ThrottleIPv6Prefix: 129})
	assert.ErrorContains(t, err, "ThrottleIPv6Prefix")
}

// pausingSessions holds the first CreateSession of a sign-in until
// released, between the password check and the session write.
type pausingSessions struct {
	*memstore.Store
	paused  atomic.Bool
	arrived chan struct{}
	release chan struct{}
	pause   atomic.Bool
}

func (p *pausingSessions) CreateSession(ctx context.Context, s ginjwt.Session, h string) error {
	if p.pause.Load() && p.paused.CompareAndSwap(false, true) {
		close(p.arrived)
		<-p.release
	}
	return p.Store.CreateSession(ctx, s, h)
}

// Defect 2: a sign-in that overlaps a password change must not leave a
// live session behind.
func TestSigninOverlappingPasswordChangeLeavesNoLiveSession(t *testing.T) {
	for _, cacheTTL := range []time.Duration{0, -1} {
		t.Run(fmt.Sprint("CacheTTL=", cacheTTL), func(t *testing.T) {
			var ps *pausingSessions
			a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
				ps = &pausingSessions{Store: c.Users.(*memstore.Store), arrived: make(chan struct{}), release: make(chan struct{})}
				c.Sessions, c.CacheTTL = ps, cacheTTL
			})
			owner := a.signin(t, "ada@example.com", adaPassword)

			ps.pause.Store(true)
			racing := make(chan response, 1)
			go func() {
				racing <- do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": adaPassword})
			}()
			<-ps.arrived // the old password was accepted; the session is not written yet
			w := do(t, a.r, "POST", "/auth/password", map[string]string{"current_password": adaPassword, "new_password": "a brand new password"}, bearer(owner.AccessToken)...)
			require.Equal(t, 200, w.Code, w.Body.String())
			close(ps.release)

			late := <-racing
			require.Equal(t, 200, late.Code, "the racing sign-in did verify the old password")
			var p ginjwt.TokenPair
			late.decode(t, &p)
			assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(p.AccessToken)...).Code, "its access token is dead")
			assert.Equal(t, 401, a.refresh(t, p.RefreshToken).Code, "its refresh token is dead")
		})
	}
}

// faultySessions injects failures and client disconnects into the
// session store.
type faultySessions struct {
	*memstore.Store
	cancel         context.CancelFunc // the request's, to simulate a disconnect
	failRevokeUser bool
	cancelOnReuse  bool
}

func (f *faultySessions) RevokeUserSessions(ctx context.Context, uid string, now time.Time) (int, error) {
	if f.failRevokeUser {
		return 0, errors.New("connection reset")
	}
	return f.Store.RevokeUserSessions(ctx, uid, now)
}

func (f *faultySessions) RotateRefreshToken(ctx context.Context, o, n string, now, exp time.Time) (ginjwt.Session, error) {
	s, err := f.Store.RotateRefreshToken(ctx, o, n, now, exp)
	if errors.Is(err, ginjwt.ErrRefreshTokenReused) && f.cancelOnReuse {
		f.cancel() // the thief hangs up right now
	}
	return s, err
}

// cancellingUsers cancels the request after the password is written, or
// after a user is looked up by id when onFind is set.
type cancellingUsers struct {
	*memstore.Store
	cancel context.CancelFunc
	onFind atomic.Bool
}

func (u *cancellingUsers) FindUserByID(ctx context.Context, id string) (memstore.User, error) {
	got, err := u.Store.FindUserByID(ctx, id)
	if u.onFind.Load() {
		u.cancel()
	}
	return got, err
}

func (u *cancellingUsers) SetPasswordHash(ctx context.Context, id, hash string) error {
	err := u.Store.SetPasswordHash(ctx, id, hash)
	u.cancel()
	return err
}

// withCancel serves one request whose context the stores can cancel.
func withCancel(h http.Handler, ctx context.Context) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Defect 3: a password change cannot leave old sessions live.
func TestPasswordChangeCannotBeLeftHalfDone(t *testing.T) {
	t.Run("revocation fails", func(t *testing.T) {
		var fs *faultySessions
		a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
			fs = &faultySessions{Store: c.Users.(*memstore.Store)}
			c.Sessions = fs
		})
		old := a.signin(t, "ada@example.com", adaPassword)
		fs.failRevokeUser = true
		w := do(t, a.r, "POST", "/auth/password", map[string]string{"current_password": adaPassword, "new_password": "a brand new password"}, bearer(old.AccessToken)...)
		require.Equal(t, 200, w.Code, w.Body.String())
		other := ginjwt.MustCompile(a.cfg) // another instance: nothing cached
		_, err := other.ParseAccessToken(old.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, 401, a.refresh(t, old.RefreshToken).Code, "the old refresh token is dead")
		assert.Equal(t, 401, do(t, a.r, "GET", "/api/profile", nil, bearer(old.AccessToken)...).Code, "the old access token is dead")
		var fresh ginjwt.TokenPair
		w.decode(t, &fresh)
		assert.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(fresh.AccessToken)...).Code)
	})
	t.Run("client disconnects after the hash is written", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
			c.Users = &cancellingUsers{Store: c.Users.(*memstore.Store), cancel: cancel}
		})
		f := a.fixture
		old := a.signin(t, "ada@example.com", adaPassword)
		do(t, withCancel(a.r, ctx), "POST", "/auth/password", map[string]string{"current_password": adaPassword, "new_password": "a brand new password"}, bearer(old.AccessToken)...)
		list, err := f.store.ListSessions(context.Background(), f.user.ID, time.Now())
		require.NoError(t, err)
		for _, s := range list {
			assert.NotEqual(t, old.RefreshToken[:strings.IndexByte(old.RefreshToken, '.')], s.ID, "the old session was revoked in the store")
		}
		assert.Equal(t, 401, a.refresh(t, old.RefreshToken).Code)
	})
}

// Defect 4: security revocations survive the client hanging up.
func TestSecurityRevocationsIgnoreDisconnects(t *testing.T) {
	t.Run("reuse", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var fs *faultySessions
		a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
			fs = &faultySessions{Store: c.Users.(*memstore.Store), cancel: cancel}
			c.Sessions = fs
		})
		f := a.fixture
		p := a.signin(t, "ada@example.com", adaPassword)
		require.Equal(t, 200, a.refresh(t, p.RefreshToken).Code)
		fs.cancelOnReuse = true
		do(t, withCancel(a.r, ctx), "POST", "/auth/refresh", map[string]string{"refresh_token": p.RefreshToken})
		sid := p.RefreshToken[:strings.IndexByte(p.RefreshToken, '.')]
		s, err := f.store.Session(context.Background(), sid)
		require.NoError(t, err)
		assert.False(t, s.RevokedAt.IsZero(), "the family is revoked in the store, not just in this process")
	})
	t.Run("inactive user", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var users *cancellingUsers
		a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
			users = &cancellingUsers{Store: c.Users.(*memstore.Store), cancel: cancel}
			c.Users = users
		})
		f := a.fixture
		p := a.signin(t, "ada@example.com", adaPassword)
		require.NoError(t, f.store.SetActive(f.user.ID, false))
		users.onFind.Store(true)
		do(t, withCancel(a.r, ctx), "POST", "/auth/refresh", map[string]string{"refresh_token": p.RefreshToken})
		sid := p.RefreshToken[:strings.IndexByte(p.RefreshToken, '.')]
		s, err := f.store.Session(context.Background(), sid)
		require.NoError(t, err)
		assert.False(t, s.RevokedAt.IsZero(), "the session of the deactivated user is revoked in the store")
	})
}

// Defect 8: the 401 for a wrong current password carries a challenge.
func TestWrongCurrentPasswordHasAChallenge(t *testing.T) {
	a := newApp(t)
	p := a.signin(t, "ada@example.com", adaPassword)
	w := do(t, a.r, "POST", "/auth/password", map[string]string{"current_password": "wrong", "new_password": "a new password"}, bearer(p.AccessToken)...)
	require.Equal(t, 401, w.Code)
	assert.Equal(t, "Bearer", w.Header().Get("WWW-Authenticate"))
}

// Defect 9: the exemption of mounted routes belongs to their handlers,
// not to a method and path that another engine can reuse.
func TestMountExemptionDoesNotLeakToAnotherEngine(t *testing.T) {
	f := newFixture(t)
	r1 := gin.New()
	r1.Use(ginjwt.New(f.cfg))
	ginjwt.Mount(r1.Group("/auth"), f.cfg)

	r2 := gin.New()
	r2.Use(ginjwt.New(f.cfg))
	r2.POST("/auth/logout", func(c *gin.Context) { c.String(200, "an admin action of another app") })
	assert.Equal(t, 401, do(t, r2, "POST", "/auth/logout", nil).Code)

	// The mounted routes of r1 still pass the global middleware.
	assert.Equal(t, 201, do(t, r1, "POST", "/auth/signup", map[string]string{"email": "new@example.com", "password": "long enough pw"}).Code)
}

// Defect 9: the hashing queue is bounded; past it the answer is 503 with
// Retry-After. (password's own tests prove the bound deterministically.)
func TestHashingOverloadIs503WithRetryAfter(t *testing.T) {
	_, w := overloadedSignin(t)
	require.Equal(t, 503, w.Code, w.Body.String())
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	assert.NotEmpty(t, w.detail(t))
}

// overloadedSignin signs in with a wrong password, up to 200 times, while
// another goroutine keeps the hasher's only slot busy, and returns the app
// and the first answer that is not the wrong password's 401: the
// overloaded hasher's 503.
func overloadedSignin(t *testing.T) (*app, response) {
	t.Helper()
	opts := password.TestingOptions()
	opts.Argon2.Memory = 16 << 10 // slow enough to be caught holding the slot
	opts.Concurrency, opts.MaxWait = 1, time.Millisecond
	h := password.MustNew(opts)
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) {
		c.Passwords = h
		c.Throttle = ginjwt.NewMemoryThrottle(1000, time.Minute, 0)
	})
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			_, _ = h.Hash(context.Background(), "a hogging password")
		}
	}()
	defer func() { stop.Store(true); <-done }()
	var w response
	for range 200 {
		w = do(t, a.r, "POST", "/auth/signin", map[string]string{"email": "ada@example.com", "password": "wrong password"})
		if w.Code != 401 {
			break
		}
	}
	return a, w
}

// Defect 6: claim names that fold to registered ones, duplicates and
// wrong JSON types are rejected at parse time.
func TestClaimsFoldingDuplicatesAndTypes(t *testing.T) {
	f := newFixture(t)
	other, err := f.store.CreateUser(context.Background(), ginjwt.NewUser{Email: "eve@example.com", NormalizedEmail: "eve@example.com"})
	require.NoError(t, err)
	cfg := f.cfg
	cfg.Sessions = nil // the review's setting: no session to catch it
	r := engine[memstore.User](ginjwt.New(cfg))
	good := f.goodClaims(t)
	hdr := map[string]any{"typ": "at+jwt"}
	tok := func(claims map[string]any) string { return mint(t, jwt.SigningMethodHS256, testKey, hdr, claims) }
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(tok(good))...).Code, "the good token passes")

	for name, claims := range map[string]map[string]any{
		"SUB":           with(good, "SUB", other.ID),
		"long s":        with(good, "ſub", other.ID),
		"Exp":           with(good, "Exp", 1),
		"Token_Type":    with(good, "Token_Type", "access"),
		"string exp":    with(good, "exp", fmt.Sprint(time.Now().Add(time.Hour).Unix())),
		"number sub":    with(good, "sub", 42),
		"null sub":      with(good, "sub", jsonNull{}),
		"number sid":    with(good, "sid", 7),
		"object iss":    with(good, "iss", map[string]any{"a": 1}),
		"numbers aud":   with(good, "aud", []any{1, 2}),
		"bool iat":      with(good, "iat", true),
		"string nbf":    with(good, "nbf", "0"),
		"number jti":    with(good, "jti", 1),
		"number token":  with(good, "token_type", 1),
		"array exp":     with(good, "exp", []any{1}),
		"huge exp":      with(good, "exp", jsonRaw("1e400")),
		"kelvin in key": with(good, "\u212Aid", "x", "kid", nil),
	} {
		t.Run(name, func(t *testing.T) {
			w := do(t, r, "GET", "/api/me", nil, bearer(tok(claims))...)
			if name == "kelvin in key" {
				// "Kid" is not a registered claim: custom claims of any
				// name are fine.
				assert.Equal(t, 200, w.Code)
				return
			}
			assert.Equal(t, 401, w.Code, w.Body.String())
			assert.NotContains(t, w.Body.String(), other.ID)
		})
	}

	// Duplicates cannot be made with a map: hand-built payloads.
	for name, payload := range map[string]string{
		"duplicate sub":    fmt.Sprintf(`{"sub":%q,"sub":%q,"sid":"s","token_type":"access","exp":%d,"iat":%d}`, f.user.ID, other.ID, good["exp"], good["iat"]),
		"duplicate custom": fmt.Sprintf(`{"sub":%q,"role":"a","role":"b","token_type":"access","exp":%d,"iat":%d}`, f.user.ID, good["exp"], good["iat"]),
		"escaped dup sub":  fmt.Sprintf(`{"sub":%q,"s\u0075b":%q,"token_type":"access","exp":%d,"iat":%d}`, f.user.ID, other.ID, good["exp"], good["iat"]),
	} {
		t.Run(name, func(t *testing.T) {
			w := do(t, r, "GET", "/api/me", nil, bearer(rawToken(t, payload))...)
			assert.Equal(t, 401, w.Code, w.Body.String())
		})
	}
	w := do(t, r, "GET", "/api/me", nil, bearer(rawToken(t, fmt.Sprintf(`{"sub":%q,"aud":"x","token_type":"access","exp":%d,"iat":%d, "extra":{"sub":"nested is fine"}}`, f.user.ID, good["exp"], good["iat"])))...)
	assert.Equal(t, 200, w.Code, "aud as a string, and a nested sub, are fine: %s", w.Body.String())
}

type jsonNull struct{}

func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

type jsonRaw string

func (r jsonRaw) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// rawToken signs a payload given as JSON text, byte for byte.
func rawToken(t *testing.T, payload string) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	signing := enc([]byte(`{"alg":"HS256","typ":"at+jwt"}`)) + "." + enc([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(signing, testKey)
	require.NoError(t, err)
	return signing + "." + enc(sig)
}

func TestExtraClaimsRefuseFoldedReservedNames(t *testing.T) {
	for _, name := range []string{"SUB", "ſub", "Exp", "TOKEN_TYPE", "\u212Aid-not-reserved"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.cfg.ExtraClaims = func(context.Context, memstore.User) (map[string]any, error) {
				return map[string]any{name: "x"}, nil
			}
			_, err := ginjwt.MustCompile(f.cfg).IssueTokens(context.Background(), f.user, ginjwt.Client{})
			if strings.HasSuffix(name, "not-reserved") {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, "reserved claim")
		})
	}
}

// Defect 5: PublicPaths match what gin routed, not the raw URL.
func TestPublicPathsMatchTheRoutedPath(t *testing.T) {
	for _, removeExtra := range []bool{false, true} {
		for _, useRaw := range []bool{false, true} {
			t.Run(fmt.Sprintf("RemoveExtraSlash=%v,UseRawPath=%v", removeExtra, useRaw), func(t *testing.T) {
				f := newFixture(t)
				f.cfg.PublicPaths = []string{"/public/*", "/health"}
				r := gin.New()
				r.RemoveExtraSlash = removeExtra
				r.UseRawPath = useRaw
				r.Use(ginjwt.New(f.cfg))
				r.GET("/api/admin", func(c *gin.Context) { c.String(200, "admin") })
				r.GET("/public/*file", func(c *gin.Context) { c.String(200, "public") })
				r.GET("/health", func(c *gin.Context) { c.String(200, "ok") })
				for _, p := range []string{
					"/public/../api/admin", "/public/%2e%2e/api/admin", "/public/%2E%2E/api/admin",
					"/public/..%2fapi/admin", "//public/../api/admin", "/public//../api/admin",
					"/public/./../api/admin", "/health/../api/admin", "/api/admin", "/api/admin/",
					"/api//admin", "/public/x/../../api/admin",
				} {
					req := httptest.NewRequest("GET", "http://x"+p, nil)
					w := httptest.NewRecorder()
					r.ServeHTTP(w, req)
					assert.NotEqual(t, "admin", w.Body.String(), "%s reached the admin handler unauthenticated (%d)", p, w.Code)
				}
				for _, p := range []string{"/public/app.js", "/health"} {
					assert.Equal(t, 200, do(t, r, "GET", p, nil).Code, p)
				}
			})
		}
	}
}

// Found by FuzzRouteBodies: each key preallocated room for limit attempts,
// so a throttle with a huge limit (as load tools configure) allocated
// gigabytes per key and crashed the process.
func TestMemoryThrottleWithAHugeLimitAllocatesPerAttempt(t *testing.T) {
	th := ginjwt.NewMemoryThrottle(1<<30, time.Minute, 0)
	now := time.Now()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 10 {
		_, err := th.Attempt(context.Background(), key(fmt.Sprint(i), "c"), now)
		require.NoError(t, err)
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(1<<20), "10 keys of one attempt each allocated %d bytes", allocated)
}
