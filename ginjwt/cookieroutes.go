package ginjwt

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// refreshFromCookie serves the cookie side of the refresh route. A
// bodiless refresh in cookie mode reads the refresh cookie and must echo
// the session's CSRF token; token is then the refresh token to spend and
// fromCookie is true. answered reports that it already answered (an
// error). With a body, or without cookie mode, it leaves the request to
// the JSON path.
func (a *Auth[U]) refreshFromCookie(c *gin.Context) (token string, fromCookie, answered bool) {
	ck := a.set.cookies
	if ck == nil || hasBody(c.Request) {
		return "", false, false
	}
	if ck.tossed(c.Request) {
		a.ClearCookies(c)
		a.abortBad(c, refusal(http.StatusUnauthorized, ErrSessionNotFound, msgBadRefresh))
		return "", true, true
	}
	token = ck.value(c.Request, ck.refresh)
	if token == "" {
		a.abortBad(c, refusal(http.StatusUnauthorized, ErrTokenMissing, msgNoRefresh))
		return "", true, true
	}
	if !ck.checkCSRF {
		return token, true, false
	}
	s, err := a.refreshSession(c, token)
	switch {
	case errors.Is(err, ErrSessionNotFound):
		a.ClearCookies(c)
		a.abortBad(c, refusal(http.StatusUnauthorized, ErrSessionNotFound, msgBadRefresh))
		return "", true, true
	case err != nil:
		a.abortUnavailable(c, err)
		return "", true, true
	case !csrfMatches(c.GetHeader(ck.csrfHeader), s.CSRFToken):
		a.abortBad(c, refusal(http.StatusForbidden, ErrCSRF, msgCSRF))
		return "", true, true
	}
	return token, true, false
}

// refreshSession loads the live session a refresh token names. It proves
// nothing about the token: only spending it does.
func (a *Auth[U]) refreshSession(c *gin.Context, token string) (Session, error) {
	sid, _, ok := strings.Cut(token, ".")
	if !ok || sid == "" || len(token) > maxRefreshTokenLen {
		return Session{}, ErrSessionNotFound
	}
	s, err := a.sessions.Session(c.Request.Context(), sid)
	if err == nil && !s.Live(a.set.now()) {
		err = ErrSessionNotFound
	}
	if err != nil {
		return Session{}, storeErr(err, ErrSessionNotFound)
	}
	return s, nil
}

// refreshFailed clears the cookies after a refresh by cookie that failed
// for good (the session is over); a store outage clears nothing.
func (a *Auth[U]) refreshFailed(c *gin.Context, err error, fromCookie bool) {
	if fromCookie && !errors.Is(err, ErrStoreUnavailable) {
		a.ClearCookies(c)
	}
}

// logoutAuth authenticates the logout route: like every route that takes
// an access token, except that in cookie mode, when the access cookie has
// expired (the browser has dropped it, or it is past its exp) and the
// refresh cookie is there, the refresh cookie ends its session instead,
// so that a user can log out after a long pause without refreshing first.
func (a *Auth[U]) logoutAuth(c *gin.Context) {
	ck := a.set.cookies
	if ck != nil && !ck.tossed(c.Request) {
		if rt := ck.value(c.Request, ck.refresh); rt != "" && a.accessCookieGone(c) {
			a.logoutByRefresh(c, rt)
			return
		}
	}
	a.serve(c, false)
}

// accessCookieGone reports that the request has no access token but the
// refresh cookie may stand in: no header credentials, and no access
// cookie or an expired one.
func (a *Auth[U]) accessCookieGone(c *gin.Context) bool {
	if _, err := a.extract(c); !errors.Is(err, ErrTokenMissing) && !errors.Is(err, ErrSchemeNotAccepted) {
		return false
	}
	ck := a.set.cookies
	v := ck.value(c.Request, ck.access)
	if v == "" {
		return true
	}
	_, err := a.tokens.parse(v)
	return errors.Is(err, ErrTokenExpired)
}

// logoutByRefresh ends the session of refresh token rt, after the Origin
// and CSRF checks. Spending the token is what proves the client holds it:
// the rotation succeeds only for a live, unspent token, and a spent one
// is reuse, which revokes the session as a refresh would.
func (a *Auth[U]) logoutByRefresh(c *gin.Context, rt string) {
	ck := a.set.cookies
	if !ck.originAllowed(c.Request) {
		a.abortBad(c, refusal(http.StatusForbidden, ErrForeignOrigin, msgForeignOrigin))
		return
	}
	s, err := a.refreshSession(c, rt)
	switch {
	case errors.Is(err, ErrSessionNotFound):
		a.refuse(c, invalid(ErrSessionRevoked, err), true)
		return
	case err != nil:
		a.abortAuth(c, err)
		return
	case ck.checkCSRF && !csrfMatches(c.GetHeader(ck.csrfHeader), s.CSRFToken):
		a.abortBad(c, refusal(http.StatusForbidden, ErrCSRF, msgCSRF))
		return
	}
	ctx := c.Request.Context()
	now := a.set.now().UTC()
	_, unused := newRefreshToken(s.ID) // a successor nobody holds; the session ends next
	_, err = a.sessions.RotateRefreshToken(ctx, hashRefreshToken(rt), unused, now, s.ExpiresAt)
	var reuse *ReuseError
	switch {
	case errors.As(err, &reuse):
		a.report(ctx, Event{Kind: EventRefreshReuse, Time: now, UserID: reuse.Session.UserID, SessionID: reuse.Session.ID, IP: c.ClientIP()})
		if rerr := a.revokeSession(ctx, reuse.Session, now); rerr != nil && !errors.Is(rerr, ErrSessionNotFound) {
			a.abortAuth(c, rerr)
			return
		}
		a.refuse(c, invalid(ErrSessionRevoked, err), true)
		return
	case errors.Is(err, ErrSessionNotFound):
		a.refuse(c, invalid(ErrSessionRevoked, err), true)
		return
	case err != nil:
		a.abortAuth(c, unavailable(err))
		return
	}
	if err := a.revokeSession(ctx, s, now); err != nil && !errors.Is(err, ErrSessionNotFound) {
		a.abortAuth(c, err)
		return
	}
	a.report(ctx, Event{Kind: EventSessionRevoked, Time: now, UserID: s.UserID, SessionID: s.ID, IP: c.ClientIP()})
	a.ClearCookies(c)
	c.AbortWithStatus(http.StatusNoContent)
}
