package ginjwt

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ErrorBody is the JSON body of every error ginjwt answers:
// {"detail": "<human readable message>"}.
type ErrorBody struct {
	Detail string `json:"detail"`
}

// Messages of the token and store errors. They say what happened, never
// how a parser failed.
const (
	msgMissing     = "Authorization header missing"
	msgScheme      = "Unsupported authorization scheme"
	msgInvalid     = "Invalid token"
	msgExpired     = "Token has expired"
	msgRevoked     = "Token has been revoked"
	msgInactive    = "User not found or inactive"
	msgTooLarge    = "Token is too large"
	msgUnavailable = "Authentication service temporarily unavailable"
	msgOverloaded  = "Too many requests are waiting; try again shortly"
	msgForbidden   = "You do not have permission to perform this action"
)

// abortAuth answers a failed authentication: 503 for a store failure,
// otherwise 401 with the WWW-Authenticate challenge of RFC 6750. The cause
// goes to c.Error for logging middleware.
func (a *Auth[U]) abortAuth(c *gin.Context, err error) {
	renderAuthError(c, a.renderer, err)
}

// renderAuthError is abortAuth for callers without an Auth (see Require).
func renderAuthError(c *gin.Context, render ErrorRenderer, err error) {
	if errors.Is(err, ErrStoreUnavailable) {
		abortWith(c, render, http.StatusServiceUnavailable, err, msgUnavailable)
		return
	}
	var detail string
	presented := errors.Is(err, ErrTokenInvalid)
	switch {
	case errors.Is(err, ErrTokenMissing):
		detail = msgMissing
	case errors.Is(err, ErrSchemeNotAccepted):
		detail = msgScheme
	case errors.Is(err, ErrTokenExpired):
		detail = msgExpired
	case errors.Is(err, ErrSessionRevoked):
		detail = msgRevoked
	case errors.Is(err, ErrUserInactive):
		detail = msgInactive
	case errors.Is(err, ErrTokenTooLarge):
		detail = msgTooLarge
	default:
		detail = msgInvalid
	}
	challenge := "Bearer"
	if presented {
		challenge = `Bearer error="invalid_token", error_description="` + detail + `"`
	}
	c.Header("WWW-Authenticate", challenge)
	abortWith(c, render, http.StatusUnauthorized, err, detail)
}

// abortForbidden answers 403 for a user who lacks a permission.
func abortForbidden(c *gin.Context, render ErrorRenderer) {
	c.Header("WWW-Authenticate", `Bearer error="insufficient_scope", error_description="`+msgForbidden+`"`)
	abortWith(c, render, http.StatusForbidden, ErrForbidden, msgForbidden)
}

// abortWith answers an error through render and aborts.
func abortWith(c *gin.Context, render ErrorRenderer, status int, err error, detail string) {
	_ = c.Error(err)
	render(c, status, err, detail)
	c.Abort()
}
