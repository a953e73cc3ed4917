package ginjwt

import (
	"context"

	"github.com/gin-gonic/gin"
)

// ContextKey is the gin context key under which the middleware stores the
// authenticated identity. Use the typed accessors instead of reading it.
const ContextKey = "github.com/ginjwt/ginjwt.identity"

// identity is what the middleware attaches to a request: one allocation
// holding both the user and the claims.
type identity[U User] struct {
	user   U
	claims *Claims
}

type ctxKey struct{}

// attach puts the identity into the gin context and the request context.
func attach[U User](c *gin.Context, id *identity[U]) {
	c.Set(ContextKey, id)
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), ctxKey{}, id))
}

// CurrentUser returns the user the middleware authenticated for this
// request. ok is false when there is none (no middleware ran, an optional
// route without a token, or U is not the Config's user type).
func CurrentUser[U User](c *gin.Context) (u U, ok bool) {
	id, ok := c.Value(ContextKey).(*identity[U])
	if !ok {
		return u, false
	}
	return id.user, true
}

// CurrentClaims returns the verified claims of this request's access token.
func CurrentClaims(c *gin.Context) (*Claims, bool) {
	v, ok := c.Get(ContextKey)
	if !ok {
		return nil, false
	}
	if cl, ok := v.(interface{ tokenClaims() *Claims }); ok {
		return cl.tokenClaims(), true
	}
	return nil, false
}

func (id *identity[U]) tokenClaims() *Claims { return id.claims }

// UserFromContext is [CurrentUser] for code that has only the request's
// context.Context (c.Request.Context()), such as a service layer.
func UserFromContext[U User](ctx context.Context) (u U, ok bool) {
	id, ok := ctx.Value(ctxKey{}).(*identity[U])
	if !ok {
		return u, false
	}
	return id.user, true
}

// ClaimsFromContext is [CurrentClaims] for a context.Context.
func ClaimsFromContext(ctx context.Context) (*Claims, bool) {
	if cl, ok := ctx.Value(ctxKey{}).(interface{ tokenClaims() *Claims }); ok {
		return cl.tokenClaims(), true
	}
	return nil, false
}
