package ginjwt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

const msgBadCredentials = "Invalid email or password"

var errSigninFailed = fmt.Errorf("%w: sign-in failed", ErrInvalidCredentials)

// checkSigninEmail refuses, before anything is looked up or remembered,
// an email that no account can have: longer than an address can be (254
// bytes, RFC 5321), or holding a NUL. Anything else is just right or wrong.
func checkSigninEmail(email string) *badRequest {
	if len(strings.TrimSpace(email)) > maxEmailBytes || strings.IndexByte(email, 0) >= 0 {
		return fail400("Enter a valid email address")
	}
	return nil
}

// throttleKey is the key of an attempt on an account (an identifier of
// kind) from the client at ip: digests of both, whatever their length.
func (a *Auth[U]) throttleKey(kind, account, ip string) ThrottleKey {
	return ThrottleKey{Account: AccountDigest(kind, account), Client: ClientDigest(clientPrefix(ip, a.set.ipv6Prefix))}
}

// clientPrefix reduces an IPv6 address to its first bits bits (a /64 by
// default: one host commonly holds a whole /64), and leaves IPv4 and
// anything unparsable as it is.
func clientPrefix(ip string, bits int) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if !addr.Is6() {
		return addr.String()
	}
	p, err := addr.WithZone("").Prefix(bits)
	if err != nil {
		return ip
	}
	return p.String()
}

func (a *Auth[U]) hasher() *password.Hasher {
	if a.cfg.Passwords != nil {
		return a.cfg.Passwords
	}
	return a.state.hasher
}

func (a *Auth[U]) throttle() Throttle {
	if a.cfg.Throttle != nil {
		return a.cfg.Throttle
	}
	return a.state.throttle
}

type signinRequest struct {
	Email    string `json:"email"`
	Username string `json:"username"`
	Login    string `json:"login"`
	Password string `json:"password"`
}

func (a *Auth[U]) signin(c *gin.Context) {
	var req signinRequest
	if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	id, bad := a.signinIdentifier(req)
	if bad == nil && req.Password == "" {
		bad = fail400("password is required")
	}
	if bad != nil {
		a.abortBad(c, bad)
		return
	}
	ctx := c.Request.Context()
	email, ip := id.email, c.ClientIP()
	// The look-up comes before the throttle counts the attempt: an attempt
	// that meets an unavailable store is answered 503 and does not count.
	u, err := a.findSigninUser(ctx, id)
	found := err == nil
	if err != nil && !errors.Is(err, ErrUserNotFound) {
		a.abortUnavailable(c, unavailable(err))
		return
	}
	// The throttle counts per account: by the user's id when the
	// identifier names one, so that typing the email and the username in
	// turn gives no extra guesses, and by the identifier otherwise.
	key := a.throttleKey(id.kind, id.value, ip)
	if found {
		key = a.throttleKey("user", u.Subject(), ip)
	}
	if a.throttled(c, key, Event{Email: email, Username: id.username, IP: ip}) {
		return
	}
	ok, err := a.checkPassword(ctx, u, found, req.Password)
	if err != nil {
		a.abortUnavailable(c, err)
		return
	}
	now := a.set.now()
	if !ok {
		a.report(ctx, Event{Kind: EventSignInFailed, Time: now, Email: email, Username: id.username, IP: ip})
		// The event above names the account; the error need not repeat it.
		a.fail(c, http.StatusUnauthorized, errSigninFailed, a.badCredentials())
		return
	}
	_ = a.throttle().Reset(ctx, key)
	if a.cfg.RequireVerifiedEmail && !isVerified(u) {
		a.fail(c, http.StatusForbidden, ErrEmailNotVerified, "Email not verified")
		return
	}
	if err := a.canSignIn(ctx, u); err != nil {
		a.abortHook(c, err)
		return
	}
	next, err := a.newSession(ctx, u, clientOf(c))
	if err != nil {
		a.abortUnavailable(c, err)
		return
	}
	if err := a.users.RecordLogin(ctx, u.Subject(), now.UTC()); err != nil {
		a.abortUnavailable(c, unavailable(err))
		return
	}
	pair, err := next.create(ctx)
	if err != nil {
		a.abortUnavailable(c, err)
		return
	}
	a.report(ctx, Event{Kind: EventSignIn, Time: now, UserID: u.Subject(), Email: email, Username: id.username, IP: ip})
	if h := a.cfg.Hooks.AfterSignIn; h != nil {
		a.after(ctx, "AfterSignIn", h(ctx, u))
	}
	a.maybePurge()
	a.writePair(c, http.StatusOK, pair)
}

// checkPassword verifies pw for u (found reports whether the email named a
// user). An unknown email and an inactive user cost one (dummy)
// verification too, so that the three failures take about the same time.
// A hash in an outdated format is upgraded. err is a hasher failure.
func (a *Auth[U]) checkPassword(ctx context.Context, u U, found bool, pw string) (bool, error) {
	h := a.hasher()
	if !found {
		if err := h.VerifyDummy(ctx, pw); err != nil {
			return false, unavailable(err)
		}
		return false, nil
	}
	ok, rehash, err := h.Verify(ctx, pw, u.HashedPassword())
	if errors.Is(err, password.ErrInvalidHash) {
		// No usable hash (a user without a password, or a corrupt one):
		// still spend the time a verification takes.
		ok, err = false, h.VerifyDummy(ctx, pw)
	}
	if err != nil {
		return false, unavailable(err)
	}
	if !ok || !u.IsActive() {
		return false, nil
	}
	if rehash {
		a.upgradeHash(ctx, u, pw)
	}
	return true, nil
}

// upgradeHash re-hashes pw with the current parameters, replacing the
// user's outdated hash only if nobody changed it meanwhile.
func (a *Auth[U]) upgradeHash(ctx context.Context, u U, pw string) {
	swapper, ok := a.users.(PasswordHashSwapper)
	if !ok {
		return
	}
	newHash, err := a.hasher().Hash(ctx, pw)
	if err == nil {
		_, err = swapper.SwapPasswordHash(ctx, u.Subject(), u.HashedPassword(), newHash)
	}
	if err != nil {
		a.set.logger.WarnContext(ctx, "ginjwt: upgrading a password hash failed", "user_id", u.Subject(), "error", err)
	}
}

// throttled counts an attempt by key, or answers 429 when key has none
// left and reports true.
func (a *Auth[U]) throttled(c *gin.Context, key ThrottleKey, e Event) bool {
	return a.throttledAs(c, key, e, "sign-in attempts")
}

// throttledAs is throttled with the name of what is counted, for the
// message ("sign-in attempts", "requests").
func (a *Auth[U]) throttledAs(c *gin.Context, key ThrottleKey, e Event, what string) bool {
	ctx := c.Request.Context()
	wait, err := a.throttle().Attempt(ctx, key, a.set.now())
	if err != nil {
		a.abortUnavailable(c, unavailable(err))
		return true
	}
	if wait <= 0 {
		return false
	}
	e.Kind, e.Time = EventThrottled, a.set.now()
	a.report(ctx, e)
	secs := int64((wait + time.Second - 1) / time.Second)
	c.Header("Retry-After", strconv.FormatInt(secs, 10))
	a.fail(c, http.StatusTooManyRequests, ErrThrottled, "Too many "+what+"; try again in "+strconv.FormatInt(secs, 10)+" seconds")
	return true
}
