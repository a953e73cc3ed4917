package ginjwt

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// msgMailQueued is the one answer of verify/request and password/forgot,
// whatever the account's state.
const msgMailQueued = "If an account can receive this email, it is on its way"

const msgBadMailToken = "Invalid or expired token"

type mailRequest struct {
	Email string `json:"email"`
}

func (a *Auth[U]) verifyRequest(c *gin.Context)  { a.mailRequest(c, MailTokenVerify) }
func (a *Auth[U]) passwordForgot(c *gin.Context) { a.mailRequest(c, MailTokenReset) }

// mailRequest answers verify/request and password/forgot: the input is
// checked, the attempt throttled per email and client, and the job queued;
// everything that depends on the account happens in the queue, so the
// answer is the same, in the same time, for every account state.
func (a *Auth[U]) mailRequest(c *gin.Context, kind MailTokenKind) {
	var req mailRequest
	if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	email, bad := checkEmail(req.Email)
	if bad != nil {
		a.abortBad(c, bad)
		return
	}
	ip := c.ClientIP()
	if a.throttledAs(c, a.throttleKey("mail:"+string(kind), NormalizeEmail(email), ip), Event{Email: NormalizeEmail(email), IP: ip}, "requests for this address") {
		return
	}
	_ = a.requestMail(kind, email) // a full queue is logged there, and answered alike
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusAccepted, ErrorBody{Detail: msgMailQueued})
}

type verifyRequest struct {
	Token string `json:"token"`
}

func (a *Auth[U]) verify(c *gin.Context) {
	var req verifyRequest
	if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	u, err := a.VerifyEmail(c.Request.Context(), req.Token)
	if a.mailTokenFailed(c, err) {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, u)
}

type resetRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

func (a *Auth[U]) passwordReset(c *gin.Context) {
	var req resetRequest
	if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	if req.NewPassword == "" {
		a.abortBad(c, fail400("new_password is required"))
		return
	}
	err := a.resetPassword(c.Request.Context(), req.Token, req.NewPassword, c.ClientIP())
	if a.mailTokenFailed(c, err) {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, ErrorBody{Detail: "Your password has been reset"})
}

// mailTokenFailed answers the error of a token route, if any.
func (a *Auth[U]) mailTokenFailed(c *gin.Context, err error) bool {
	var bad *badRequest
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrInvalidMailToken):
		a.fail(c, http.StatusBadRequest, err, msgBadMailToken)
	case errors.As(err, &bad):
		a.abortBad(c, bad)
	default:
		a.abortUnavailable(c, err)
	}
	return true
}
