package ginjwt

import (
	"context"

	"github.com/gin-gonic/gin"
)

// identity is what the middleware attaches to a request. It is itself the
// request's new context (its parent plus one value), so attaching the user
// and claims costs one allocation besides the request copy that
// http.Request.WithContext makes.
type identity[U User] struct {
	context.Context
	user   *U
	claims *Claims
}

type ctxKey struct{}

// Value answers ctxKey{} with the identity and asks the parent otherwise.
func (id *identity[U]) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return id
	}
	return id.Context.Value(key)
}

// attach makes the identity the request's context; the accessors below
// read it from there.
func attach[U User](c *gin.Context, user *U, claims *Claims) {
	c.Request = c.Request.WithContext(&identity[U]{Context: c.Request.Context(), user: user, claims: claims})
}

func identityFrom[U User](ctx context.Context) (*identity[U], bool) {
	id, ok := ctx.Value(ctxKey{}).(*identity[U])
	return id, ok
}

// CurrentUser returns the user the middleware authenticated for this
// request. ok is false when there is none (no middleware ran, an optional
// route without a token, or U is not the Config's user type).
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
	if cl, ok := ctx.Value(ctxKey{}).(interface{ tokenClaims() *Claims }); ok {
		return cl.tokenClaims(), true
	}
	return nil, false
}

func (id *identity[U]) tokenClaims() *Claims { return id.claims }
