package ginjwt

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// identity is what the middleware attaches to a request. It is itself the
// request's new context (its parent plus one value). It points at the
// verified claims, which may be the token cache's and shared by concurrent
// requests: they are read here and never modified, and a handler that asks
// for the claims gets the request's own deep copy, made on first use.
type identity[U User] struct {
	context.Context
	user   *U
	claims *Claims // shared, immutable: read only
	own    atomic.Pointer[ownedClaims]
	info   *requestInfo
}

// attached holds a request's identity and the request copy that carries
// it, so that attaching costs one allocation.
type attached[U User] struct {
	id  identity[U]
	req http.Request
}

// requestInfo is what a request's identity needs of its Auth; one per
// Auth, shared by every request.
type requestInfo struct {
	render ErrorRenderer
	strict bool
	logger *slog.Logger
}

type ctxKey struct{}

// Value answers ctxKey{} with the identity and asks the parent otherwise.
func (id *identity[U]) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return id
	}
	return id.Context.Value(key)
}

// anyIdentity is implemented by every identity[U], whatever U.
type anyIdentity interface {
	tokenClaims() *Claims
	requestInfo() *requestInfo
	userType() reflect.Type
}

func (id *identity[U]) requestInfo() *requestInfo { return id.info }
func (id *identity[U]) userType() reflect.Type    { return reflect.TypeFor[U]() }

// tokenClaims returns the request's own deep copy of the claims, made on
// the first call; concurrent first calls agree on one copy.
func (id *identity[U]) tokenClaims() *Claims {
	if o := id.own.Load(); o != nil {
		return &o.Claims
	}
	o := new(ownedClaims)
	o.set(id.claims)
	if !id.own.CompareAndSwap(nil, o) {
		o = id.own.Load()
	}
	return &o.Claims
}

// attach makes the identity the request's context; the accessors below
// read it from there. claims may be shared with the token cache: they are
// copied only when a handler asks for them (tokenClaims).
func (a *Auth[U]) attach(c *gin.Context, user *U, claims *Claims) {
	box := &attached[U]{id: identity[U]{Context: c.Request.Context(), user: user, claims: claims, info: a.info}}
	// WithContext is inlined and its copy does not escape: the request
	// copy lives in box, beside the identity.
	box.req = *c.Request.WithContext(&box.id)
	c.Request = &box.req
}

func identityFrom[U User](ctx context.Context) (*identity[U], bool) {
	v := ctx.Value(ctxKey{})
	id, ok := v.(*identity[U])
	if !ok && v != nil {
		misuse[U](v.(anyIdentity))
	}
	return id, ok
}

// misuse reports an accessor asked for user type U on a request that was
// authenticated with another type: code that ignores ok would serve a
// zero user. It logs once per call site, and panics in gin.TestMode or
// with Config.StrictAccessors.
func misuse[U User](id anyIdentity) {
	msg := fmt.Sprintf("ginjwt: the request was authenticated with user type %v, but the user was asked for as %v; use the Config's type, or Auth.User(c)", id.userType(), reflect.TypeFor[U]())
	info := id.requestInfo()
	if info.strict || gin.Mode() == gin.TestMode {
		panic(msg)
	}
	// The call site is the first frame outside this package.
	var pcs [8]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs[:])])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "github.com/ginjwt/ginjwt/ginjwt.") || !more {
			if _, seen := misuseSites.LoadOrStore(f.PC, true); !seen {
				info.logger.Error(msg, "caller", fmt.Sprintf("%s:%d", f.File, f.Line))
			}
			return
		}
	}
}

// misuseSites holds the call sites already reported: bounded by the
// program's code.
var misuseSites sync.Map

// CurrentUser returns the user the middleware authenticated for this
// request. ok is false when there is none (no middleware ran, or an
// optional route without a token). Asking for another type than the
// Config's on an authenticated request is a bug: it is logged (and panics
// in gin.TestMode or with Config.StrictAccessors). [Auth.User] cannot get
// the type wrong.
func CurrentUser[U User](c *gin.Context) (u U, ok bool) {
	return UserFromContext[U](c.Request.Context())
}

// CurrentClaims returns the verified claims of this request's access token.
func CurrentClaims(c *gin.Context) (*Claims, bool) {
	return ClaimsFromContext(c.Request.Context())
}

// UserFromContext is [CurrentUser] for code that has only the request's
// context.Context (c.Request.Context()), such as a service layer.
func UserFromContext[U User](ctx context.Context) (u U, ok bool) {
	id, ok := identityFrom[U](ctx)
	if !ok {
		return u, false
	}
	return *id.user, true
}

// ClaimsFromContext is [CurrentClaims] for a context.Context.
func ClaimsFromContext(ctx context.Context) (*Claims, bool) {
	if cl, ok := ctx.Value(ctxKey{}).(anyIdentity); ok {
		return cl.tokenClaims(), true
	}
	return nil, false
}

// User returns the user this Auth's middleware authenticated for the
// request, or ok false when there is none. It is [CurrentUser] without a
// type argument to get wrong.
func (a *Auth[U]) User(c *gin.Context) (u U, ok bool) {
	return UserFromContext[U](c.Request.Context())
}

// renderOf returns the error renderer of the Auth that authenticated the
// request, or the default.
func renderOf(c *gin.Context) ErrorRenderer {
	if id, ok := c.Request.Context().Value(ctxKey{}).(anyIdentity); ok {
		return id.requestInfo().render
	}
	return DetailJSON
}
