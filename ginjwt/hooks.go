package ginjwt

import (
	"context"
	"errors"
	"net/http"
)

// Hooks are the points where an application's own logic joins the auth
// routes. Every field is optional. They run in this order:
//
//	signup:          BeforeSignup → (user stored) → AfterSignup
//	signin:          (password checked) → CanSignIn → (session stored) → AfterSignIn
//	refresh:         (session and user checked) → CanSignIn → (rotated) → AfterRefresh
//	every request:   (token, session and user checked) → CanSignIn
//	logout:          (session revoked) → AfterLogout
//	logout-all:      (sessions revoked) → AfterLogoutAll
//	password change: (hash stored, sessions revoked, new session) → AfterPasswordChange
//
// BeforeSignup and CanSignIn decide: an error made with [Reject] is
// answered with its status and message; any other error is logged and
// answered 503. The After hooks run once the action is done and cannot
// undo it: their errors are logged, and the answer stays a success.
//
// Hooks are for application logic; security events ([Event],
// Config.OnEvent) stay the place for auditing.
type Hooks[U User] struct {
	// BeforeSignup runs at signup once the input is valid and the password
	// hashed, before the user is stored. u is the new user: the spec's
	// fields and the application's own (see Config.SignupFields) are set,
	// its id is not. It may change u, to set a default role, say. It needs
	// a Users store that implements [UserCreator].
	BeforeSignup func(ctx context.Context, u *U) error
	// AfterSignup runs after the user is stored.
	AfterSignup func(ctx context.Context, u U) error
	// CanSignIn decides whether a user who is active (and, at sign-in,
	// gave the right password) may use the account at all: banned,
	// locked, unpaid. It runs at sign-in after the password check, on each
	// refresh, and in the middleware on every request (on the user as
	// cached, at most Config.CacheTTL old), so that a banned user can
	// neither sign in nor keep a session alive. Its default status is 403.
	//
	// WARNING: at sign-in it runs only after a correct password, so its
	// answer tells the caller that the password was right. Keep its
	// message free of anything the caller should not learn.
	CanSignIn func(ctx context.Context, u U) error
	// AfterSignIn runs after a successful sign-in.
	AfterSignIn func(ctx context.Context, u U) error
	// AfterRefresh runs after a successful refresh.
	AfterRefresh func(ctx context.Context, u U) error
	// AfterLogout runs after the session sessionID of u was revoked.
	AfterLogout func(ctx context.Context, u U, sessionID string) error
	// AfterLogoutAll runs after every session of u was revoked.
	AfterLogoutAll func(ctx context.Context, u U) error
	// AfterPasswordChange runs after u's password was changed through
	// the route, once every earlier session is revoked.
	AfterPasswordChange func(ctx context.Context, u U) error
}

// Rejection is the error of [Reject]: a hook's refusal, answered with
// Status and Message. It matches [ErrRejected].
type Rejection struct {
	Status  int
	Message string
}

func (r *Rejection) Error() string { return "ginjwt: rejected: " + r.Message }

// Is makes errors.Is(err, ErrRejected) true.
func (r *Rejection) Is(target error) bool { return target == ErrRejected }

// Reject returns the error a hook returns to refuse a request with a
// status (a 4xx; anything else becomes 403) and a message safe to show.
// A 401 is answered with the challenge "WWW-Authenticate: Bearer"; a 429
// without Retry-After, which [Auth.OpenAPI] therefore does not promise on
// the routes the hook can refuse. The document's "default" answer covers
// statuses the route does not otherwise give.
func Reject(status int, message string) error {
	if status < 400 || status > 499 {
		status = http.StatusForbidden
	}
	return &Rejection{Status: status, Message: message}
}

// after runs an After hook and logs its error.
func (a *Auth[U]) after(ctx context.Context, name string, err error) {
	if err != nil {
		a.set.logger.ErrorContext(ctx, "ginjwt: hook failed; the action stands", "hook", name, "error", err)
	}
}

// canSignIn runs Hooks.CanSignIn, if set.
func (a *Auth[U]) canSignIn(ctx context.Context, u U) error {
	if a.cfg.Hooks.CanSignIn == nil {
		return nil
	}
	return a.cfg.Hooks.CanSignIn(ctx, u)
}

// rejection returns the status and message of a hook's error, or ok
// false for an error that is not a rejection.
func rejection(err error) (status int, msg string, ok bool) {
	var r *Rejection
	if errors.As(err, &r) {
		return r.Status, r.Message, true
	}
	return 0, "", false
}
