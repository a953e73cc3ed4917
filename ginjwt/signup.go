package ginjwt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// UserCreator is an optional interface of a [UserStore]: it stores a user
// built from nu and then completed by init (an application's own fields,
// a default role), in one insert. If init fails, nothing is stored and its
// error is returned as is. Hooks.BeforeSignup and Config.SignupFields need
// it; gormstore, mongostore and memstore implement it.
type UserCreator[U User] interface {
	CreateUserWith(ctx context.Context, nu NewUser, init func(u *U) error) (U, error)
}

// SignupFields makes signup accept an application's own fields. Build it
// with [SignupWith].
type SignupFields[U User] interface {
	// PayloadType is the application's payload type, for documentation
	// generators.
	PayloadType() reflect.Type
	bind(body []byte) (func(context.Context, *U) error, *badRequest)
}

// SignupWith returns the SignupFields of a payload type P: the signup
// body is also decoded into a P (only P's fields, by their json tags),
// validated with gin's binding tags (`binding:"required,max=64"`), and
// fill maps it onto the new user before it is stored. Nothing but what
// fill copies reaches the user, so a client cannot set fields it should
// not (no mass assignment). The spec's fields (email, password, username,
// first_name, last_name) are handled by ginjwt as before; P need not
// repeat them.
//
// fill returns an error made with [Reject] to refuse the signup with its
// status (a 400, say); any other error is answered 503.
//
//	type Signup struct {
//		DisplayName string `json:"display_name" binding:"required,max=64"`
//		AcceptTerms bool   `json:"accept_terms" binding:"required"`
//	}
//	cfg.SignupFields = ginjwt.SignupWith(func(ctx context.Context, p *Signup, u *User) error {
//		u.DisplayName = p.DisplayName
//		return nil
//	})
func SignupWith[U User, P any](fill func(ctx context.Context, p *P, u *U) error) SignupFields[U] {
	return signupWith[U, P]{fill: fill}
}

type signupWith[U User, P any] struct {
	fill func(ctx context.Context, p *P, u *U) error
}

func (s signupWith[U, P]) PayloadType() reflect.Type { return reflect.TypeFor[P]() }

func (s signupWith[U, P]) bind(body []byte) (func(context.Context, *U) error, *badRequest) {
	p := new(P)
	if bad := decodeJSON(body, p); bad != nil {
		return nil, bad
	}
	if err := binding.Validator.ValidateStruct(p); err != nil {
		return nil, fail400(validationMessage(reflect.TypeFor[P](), err))
	}
	return func(ctx context.Context, u *U) error { return s.fill(ctx, p, u) }, nil
}

// validationMessage says which field of t failed which rule, by its JSON
// name.
func validationMessage(t reflect.Type, err error) string {
	var fields validator.ValidationErrors
	if !errors.As(err, &fields) || len(fields) == 0 {
		return "Invalid signup fields"
	}
	fe := fields[0]
	name := fe.Field()
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName(fe.StructField()); ok {
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
				name = tag
			}
		}
	}
	if fe.Tag() == "required" {
		return name + " is required"
	}
	return fmt.Sprintf("%s is invalid (%s)", name, fe.Tag())
}

type signupRequest struct {
	Email     string `json:"email"`
	Password  string `json:"password"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

func (a *Auth[U]) signup(c *gin.Context) {
	body, bad := readBody(c, a.set.maxBody)
	if bad != nil {
		a.abortBad(c, bad)
		return
	}
	var req signupRequest
	if bad := decodeJSON(body, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	nu, bad := a.newUser(req)
	if bad != nil {
		a.abortBad(c, bad)
		return
	}
	var fill func(context.Context, *U) error
	if a.cfg.SignupFields != nil {
		if fill, bad = a.cfg.SignupFields.bind(body); bad != nil {
			a.abortBad(c, bad)
			return
		}
	}
	ctx := c.Request.Context()
	u, err := a.createUser(ctx, nu, req.Password, "password", fill)
	var hookErr *hookError
	switch {
	case errors.As(err, &bad):
		a.abortBad(c, bad)
		return
	case errors.Is(err, ErrUsernameTaken):
		a.fail(c, http.StatusConflict, err, "A user with that username already exists")
		return
	case errors.Is(err, ErrUserExists):
		a.fail(c, http.StatusConflict, err, "A user with that email already exists")
		return
	case errors.As(err, &hookErr):
		a.abortHook(c, hookErr.err)
		return
	case err != nil:
		a.abortUnavailable(c, err)
		return
	}
	a.report(ctx, Event{Kind: EventSignUp, Time: a.set.now(), UserID: u.Subject(), IP: c.ClientIP()})
	if a.mail != nil {
		_ = a.RequestVerification(ctx, nu.Email)
	}
	c.JSON(http.StatusCreated, u)
}

// hookError marks an error of the application's own code during a user's
// creation (SignupFields' fill, Hooks.BeforeSignup), as opposed to a
// store failure.
type hookError struct{ err error }

func (e *hookError) Error() string { return e.err.Error() }
func (e *hookError) Unwrap() error { return e.err }

// createUser hashes pw (named field in a policy error), completes the
// user with fill and Hooks.BeforeSignup, stores it and runs
// Hooks.AfterSignup. Errors: a *badRequest for the password policy,
// ErrUserExists, a *hookError, or a store failure (ErrStoreUnavailable).
func (a *Auth[U]) createUser(ctx context.Context, nu NewUser, pw, field string, fill func(context.Context, *U) error) (U, error) {
	var zero U
	hash, err := a.hasher().Hash(ctx, pw)
	if err != nil {
		if bad := passwordBad(err, field); bad != nil {
			return zero, bad
		}
		return zero, unavailable(err)
	}
	nu.PasswordHash = hash
	before := a.cfg.Hooks.BeforeSignup
	var u U
	if creator, ok := a.users.(UserCreator[U]); ok && (fill != nil || before != nil) {
		u, err = creator.CreateUserWith(ctx, nu, func(u *U) error {
			if fill != nil {
				if err := fill(ctx, u); err != nil {
					return &hookError{err}
				}
			}
			if before != nil {
				if err := before(ctx, u); err != nil {
					return &hookError{err}
				}
			}
			return nil
		})
	} else if fill != nil || before != nil {
		return zero, fmt.Errorf("ginjwt: %T does not implement ginjwt.UserCreator, needed to complete the new user", a.users)
	} else {
		u, err = a.users.CreateUser(ctx, nu)
	}
	var hookErr *hookError
	switch {
	case errors.Is(err, ErrUserExists), errors.As(err, &hookErr):
		return zero, err
	case err != nil:
		return zero, unavailable(err)
	}
	if h := a.cfg.Hooks.AfterSignup; h != nil {
		a.after(ctx, "AfterSignup", h(ctx, u))
	}
	return u, nil
}

// newUser validates a signup request, apart from the password.
func (a *Auth[U]) newUser(req signupRequest) (NewUser, *badRequest) {
	var nu NewUser
	var bad *badRequest
	if nu.Email, bad = checkEmail(req.Email); bad != nil {
		return nu, bad
	}
	nu.NormalizedEmail = NormalizeEmail(nu.Email)
	if req.Password == "" {
		return nu, fail400("password is required")
	}
	if nu.Username, nu.NormalizedUsername, bad = checkUsername(req.Username); bad != nil {
		return nu, bad
	}
	for _, f := range []struct {
		name string
		in   string
		out  *string
	}{
		{"first_name", req.FirstName, &nu.FirstName},
		{"last_name", req.LastName, &nu.LastName},
	} {
		if *f.out, bad = checkText(f.name, f.in, 150); bad != nil {
			return nu, bad
		}
	}
	return nu, nil
}

// passwordBad turns a policy error into a 400, or returns nil.
func passwordBad(err error, field string) *badRequest {
	if errors.Is(err, password.ErrPasswordTooShort) || errors.Is(err, password.ErrPasswordTooLong) {
		// The policy error reads "password: too short: …".
		return fail400(field + " " + strings.TrimPrefix(err.Error(), "password: "))
	}
	return nil
}
