package ginjwt

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func (a *Auth[U]) refresh(c *gin.Context) {
	token, fromCookie, answered := a.refreshFromCookie(c) // cookieroutes.go
	if answered {
		return
	}
	if !fromCookie {
		var req refreshRequest
		if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
			a.abortBad(c, bad)
			return
		}
		if req.RefreshToken == "" {
			a.abortBad(c, fail400("refresh_token is required"))
			return
		}
		token = req.RefreshToken
	}
	pair, _, err := a.Refresh(c.Request.Context(), token)
	if err != nil {
		a.refreshFailed(c, err, fromCookie)
		var detail string
		switch {
		case errors.Is(err, ErrStoreUnavailable):
			a.abortUnavailable(c, err)
			return
		case errors.As(err, new(*hookError)):
			a.abortHook(c, errors.Unwrap(err))
			return
		case errors.Is(err, ErrRefreshTokenReused):
			detail = "Refresh token has already been used; the session has been revoked"
		case errors.Is(err, ErrUserNotFound), errors.Is(err, ErrUserInactive):
			detail = msgInactive
		default:
			detail = "Invalid or expired refresh token"
		}
		a.fail(c, http.StatusUnauthorized, err, detail)
		return
	}
	a.writePair(c, http.StatusOK, pair)
}

// identityOf returns what the route's own middleware attached.
func identityOf[U User](c *gin.Context) *identity[U] {
	id, _ := identityFrom[U](c.Request.Context())
	return id
}

func (a *Auth[U]) logout(c *gin.Context) {
	id := identityOf[U](c)
	ctx := c.Request.Context()
	s := Session{ID: id.claims.SessionID, UserID: id.claims.Subject}
	if err := a.revokeSession(ctx, s, a.set.now().UTC()); err != nil && !errors.Is(err, ErrSessionNotFound) {
		a.abortUnavailable(c, err)
		return
	}
	a.report(ctx, Event{Kind: EventSessionRevoked, Time: a.set.now(), UserID: s.UserID, SessionID: s.ID, IP: c.ClientIP()})
	if h := a.cfg.Hooks.AfterLogout; h != nil {
		a.after(ctx, "AfterLogout", h(ctx, *id.user, s.ID))
	}
	a.ClearCookies(c)
	c.Status(http.StatusNoContent)
}

func (a *Auth[U]) logoutAll(c *gin.Context) {
	id := identityOf[U](c)
	ctx := c.Request.Context()
	if _, err := a.revokeUser(ctx, id.claims.Subject, c.ClientIP()); err != nil { // reports the event
		a.abortUnavailable(c, err)
		return
	}
	if h := a.cfg.Hooks.AfterLogoutAll; h != nil {
		a.after(ctx, "AfterLogoutAll", h(ctx, *id.user))
	}
	a.ClearCookies(c)
	c.Status(http.StatusNoContent)
}

func (a *Auth[U]) me(c *gin.Context) {
	c.JSON(http.StatusOK, *identityOf[U](c).user)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (a *Auth[U]) changePassword(c *gin.Context) {
	id := identityOf[U](c)
	var req passwordRequest
	if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	switch {
	case req.CurrentPassword == "":
		a.abortBad(c, fail400("current_password is required"))
		return
	case req.NewPassword == "":
		a.abortBad(c, fail400("new_password is required"))
		return
	}
	ctx := c.Request.Context()
	h := a.hasher()
	uid, ip := (*id.user).Subject(), c.ClientIP()
	key := a.throttleKey("user", uid, ip)
	if a.throttled(c, key, Event{UserID: uid, IP: ip}) {
		return
	}
	user, err := a.users.FindUserByID(ctx, uid) // the cached copy may be stale
	switch {
	case errors.Is(err, ErrUserNotFound):
		a.abortAuth(c, invalid(ErrUserInactive, err))
		return
	case err != nil:
		a.abortUnavailable(c, unavailable(err))
		return
	case !user.IsActive():
		a.abortAuth(c, invalid(ErrUserInactive, nil))
		return
	}
	ok, _, err := h.Verify(ctx, req.CurrentPassword, user.HashedPassword())
	if err != nil && !errors.Is(err, password.ErrInvalidHash) {
		a.abortUnavailable(c, unavailable(err))
		return
	}
	if !ok {
		a.report(ctx, Event{Kind: EventPasswordFailed, Time: a.set.now(), UserID: uid, IP: ip})
		// The token was fine, so a plain challenge (spec: every 401 of a
		// route that takes an access token carries one).
		c.Header("WWW-Authenticate", "Bearer")
		a.fail(c, http.StatusUnauthorized, fmt.Errorf("%w: wrong current password", ErrInvalidCredentials), "Current password is incorrect")
		return
	}
	_ = a.throttle().Reset(ctx, key) // the current password was right
	hash, err := h.Hash(ctx, req.NewPassword)
	if err != nil {
		if bad := passwordBad(err, "new_password"); bad != nil {
			a.abortBad(c, bad)
			return
		}
		a.abortUnavailable(c, unavailable(err))
		return
	}
	// Sign the new pair before changing anything, so that a failure there
	// leaves the old password and sessions as they were.
	next, err := a.newSession(ctx, user, clientOf(c))
	if err != nil {
		a.abortUnavailable(c, err)
		return
	}
	pair, err := a.setPassword(ctx, uid, hash, user.CredentialsVersion(), ip, &next)
	if err != nil {
		a.abortUnavailable(c, err)
		return
	}
	a.report(ctx, Event{Kind: EventPasswordChanged, Time: a.set.now(), UserID: uid, IP: ip})
	if h := a.cfg.Hooks.AfterPasswordChange; h != nil {
		a.after(ctx, "AfterPasswordChange", h(ctx, user))
	}
	a.writePair(c, http.StatusOK, pair)
}

// SessionView is one entry of the sessions list.
type SessionView struct {
	ID         string `json:"id"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at"`
	UserAgent  string `json:"user_agent"`
	IP         string `json:"ip"`
	Current    bool   `json:"current"`
}

func (a *Auth[U]) listSessions(c *gin.Context) {
	id := identityOf[U](c)
	list, err := a.sessions.ListSessions(c.Request.Context(), id.claims.Subject, a.set.now().UTC())
	if err != nil {
		a.abortUnavailable(c, unavailable(err))
		return
	}
	out := make([]SessionView, 0, len(list))
	for _, s := range list {
		out = append(out, SessionView{
			ID:         s.ID,
			CreatedAt:  s.CreatedAt.UTC().Format(time.RFC3339),
			LastUsedAt: s.LastUsedAt.UTC().Format(time.RFC3339),
			UserAgent:  s.UserAgent,
			IP:         s.IP,
			Current:    s.ID == id.claims.SessionID,
		})
	}
	c.JSON(http.StatusOK, out)
}

func (a *Auth[U]) deleteSession(c *gin.Context) {
	id := identityOf[U](c)
	ctx := c.Request.Context()
	now := a.set.now().UTC()
	s, err := a.sessions.Session(ctx, c.Param("id"))
	switch {
	case err == nil && (s.UserID != id.claims.Subject || !s.Live(now)):
		err = ErrSessionNotFound
	case err == nil:
		err = a.revokeSession(ctx, s, now)
	}
	switch {
	case errors.Is(err, ErrSessionNotFound):
		a.fail(c, http.StatusNotFound, err, "Session not found")
		return
	case err != nil:
		a.abortUnavailable(c, storeErr(err))
		return
	}
	a.report(ctx, Event{Kind: EventSessionRevoked, Time: now, UserID: s.UserID, SessionID: s.ID, IP: c.ClientIP()})
	if s.ID == id.claims.SessionID {
		a.ClearCookies(c) // deleting one's own session is a logout
	}
	c.Status(http.StatusNoContent)
}
