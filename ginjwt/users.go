package ginjwt

import (
	"context"
	"errors"
	"fmt"
)

// The Go API for users: what admin tools, seed scripts and tests need,
// with the same rules as the routes.

// CreateUser creates an active user with a password, as signup does: the
// email is validated and normalised, the password policy applies, and
// init (for the application's own fields; may be nil) and
// Hooks.BeforeSignup complete the user before it is stored;
// Hooks.AfterSignup runs after. Errors match [ErrBadRequest] (the message
// says what is wrong), [ErrUserExists], [ErrRejected] (a hook refused), or
// [ErrStoreUnavailable].
//
//	admin, err := auth.CreateUser(ctx, "root@example.com", pw, func(u *User) error {
//		u.Role = "admin"
//		return nil
//	})
func (a *Auth[U]) CreateUser(ctx context.Context, email, password string, init func(u *U) error) (U, error) {
	var zero U
	nu, bad := a.newUser(signupRequest{Email: email, Password: password})
	if bad != nil {
		return zero, bad
	}
	var fill func(context.Context, *U) error
	if init != nil {
		fill = func(_ context.Context, u *U) error { return init(u) }
	}
	u, err := a.createUser(ctx, nu, password, "password", fill)
	var hookErr *hookError
	if errors.As(err, &hookErr) {
		return zero, hookErr.err
	}
	return u, err
}

// FindUserByEmail normalises email and returns its user, or an error
// matching [ErrUserNotFound] or [ErrStoreUnavailable].
func (a *Auth[U]) FindUserByEmail(ctx context.Context, email string) (U, error) {
	u, err := a.users.FindUserByEmail(ctx, NormalizeEmail(email))
	if err != nil {
		return u, storeErr(err, ErrUserNotFound)
	}
	return u, nil
}

// SetPassword gives a user a new password (the password policy applies),
// as /password does without asking for the current one: the store
// increments the user's credentials version in the same write, which kills
// every earlier session, and the sessions are revoked. Errors match
// [ErrBadRequest], [ErrUserNotFound] or [ErrStoreUnavailable].
func (a *Auth[U]) SetPassword(ctx context.Context, userID, password string) error {
	if _, err := a.users.FindUserByID(ctx, userID); err != nil {
		return storeErr(err, ErrUserNotFound)
	}
	hash, err := a.hasher().Hash(ctx, password)
	if err != nil {
		if bad := passwordBad(err, "password"); bad != nil {
			return bad
		}
		return unavailable(err)
	}
	_, err = a.setPassword(ctx, userID, hash, 0, "", nil)
	return err
}

// SetActive deactivates a user (every session is revoked: a later
// reactivation does not bring them back) or reactivates one, and makes
// this process forget what it cached about the user; other processes see
// it within Config.CacheTTL. It needs a Users store that implements
// [UserActivator]. Errors match [ErrUserNotFound] or [ErrStoreUnavailable].
func (a *Auth[U]) SetActive(ctx context.Context, userID string, active bool) error {
	act, ok := a.users.(UserActivator)
	if !ok {
		return fmt.Errorf("ginjwt: SetActive: %T does not implement ginjwt.UserActivator", a.users)
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	err := act.SetUserActive(ctx, userID, active)
	a.InvalidateUser(userID)
	if err != nil {
		return storeErr(err, ErrUserNotFound)
	}
	if !active && a.sessions != nil {
		if _, err := a.revokeUser(ctx, userID, ""); err != nil {
			return err
		}
	}
	return nil
}
