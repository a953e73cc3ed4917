package ginjwt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// ErrorRenderer writes the body of an error answer, so that an
// application can answer in its own format (RFC 9457 problem+json, its
// own envelope, translated messages). status is the HTTP status; err is
// the cause, which matches one of the package's sentinels with errors.Is
// (see [ErrorCode]); detail is ginjwt's default message, safe to show.
// Headers that belong to the answer (WWW-Authenticate, Retry-After) are
// already set, and the request is aborted afterwards; the renderer only
// writes the status and the body.
//
// The default, [DetailJSON], writes {"detail": detail}.
type ErrorRenderer func(c *gin.Context, status int, err error, detail string)

// DetailJSON is the default [ErrorRenderer]: {"detail": "<message>"}.
func DetailJSON(c *gin.Context, status int, _ error, detail string) {
	c.JSON(status, ErrorBody{Detail: detail})
}

// Problem is an RFC 9457 problem details object, as [ProblemJSON] writes
// it. Code is an extension member: the stable [ErrorCode] of the error.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// ProblemJSON is an [ErrorRenderer] that answers RFC 9457 problem details
// (Content-Type application/problem+json), with the default message as
// "detail" and the error's [ErrorCode] as "code".
func ProblemJSON(c *gin.Context, status int, err error, detail string) {
	c.Render(status, problemRender{Problem{
		Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: detail, Code: ErrorCode(err),
	}})
}

type problemRender struct{ p Problem }

func (r problemRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	b, err := json.Marshal(r.p)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (problemRender) WriteContentType(w http.ResponseWriter) {
	w.Header()["Content-Type"] = []string{"application/problem+json"}
}

// Error codes of [ErrorCode]: short, stable names for an application's own
// error format and for clients to branch on.
var errorCodes = []struct {
	err  error
	code string
}{
	{ErrStoreUnavailable, "unavailable"},
	{password.ErrBusy, "overloaded"},
	{ErrTokenExpired, "token_expired"},
	{ErrSessionRevoked, "token_revoked"},
	{ErrUserInactive, "user_inactive"},
	{ErrTokenTooLarge, "token_too_large"},
	{ErrTokenMissing, "token_missing"},
	{ErrSchemeNotAccepted, "scheme_not_accepted"},
	{ErrTokenInvalid, "invalid_token"},
	{ErrForbidden, "insufficient_scope"},
	{ErrRejected, "rejected"},
	{ErrCSRF, "csrf_failed"},
	{ErrForeignOrigin, "foreign_origin"},
	{ErrNotJSON, "unsupported_media_type"},
	{ErrRequestTooLarge, "request_too_large"},
	{ErrBadRequest, "invalid_request"},
	{ErrInvalidCredentials, "invalid_credentials"},
	{ErrThrottled, "throttled"},
	{ErrUsernameTaken, "username_taken"},
	{ErrUserExists, "user_exists"},
	{ErrRefreshTokenReused, "refresh_token_reused"},
	{ErrSessionNotFound, "session_not_found"},
}

// ErrorCode returns the stable code of an error that ginjwt answers with:
// "invalid_token", "token_expired", "throttled", "invalid_request", and so
// on (see the table in docs/errors.md), or "error" for anything else.
func ErrorCode(err error) string {
	for _, e := range errorCodes {
		if errors.Is(err, e.err) {
			return e.code
		}
	}
	return "error"
}

// fail answers an error through the configured renderer and aborts.
func (a *Auth[U]) fail(c *gin.Context, status int, err error, detail string) {
	_ = c.Error(err)
	a.renderer(c, status, err, detail)
	c.Abort()
}

// abortHook answers the error of a decision hook (BeforeSignup,
// CanSignIn): its rejection, or 503 for any other error. A 401 carries
// the plain Bearer challenge, which every 401 must have (RFC 9110
// §15.5.2) and the OpenAPI document promises on the token routes.
func (a *Auth[U]) abortHook(c *gin.Context, err error) {
	if status, msg, ok := rejection(err); ok {
		if status == http.StatusUnauthorized {
			c.Header("WWW-Authenticate", "Bearer")
		}
		a.fail(c, status, err, msg)
		return
	}
	a.set.logger.ErrorContext(c.Request.Context(), "ginjwt: hook failed", "error", err)
	a.fail(c, http.StatusServiceUnavailable, fmt.Errorf("ginjwt: hook: %w", err), msgUnavailable)
}
