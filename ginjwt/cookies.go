package ginjwt

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ErrCookieTossed: the request carries two cookies with the name of one
// of ours, which is what cookie tossing from a sibling subdomain looks
// like (the browser cannot tell which one is genuine, and neither can
// we). It is answered 401 and clears our cookies. It matches
// [ErrTokenInvalid] too.
var ErrCookieTossed = errors.New("ginjwt: more than one cookie with the same name")

// cookieBody is the JSON body of a token response in cookie mode: the
// tokens only when CookieConfig.TokensInBody asks for them.
type cookieBody struct {
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	CSRFToken    string `json:"csrf_token"`
}

// pairResponse sets the cookies of p in cookie mode and returns the body
// of the token response.
func (a *Auth[U]) pairResponse(c *gin.Context, p TokenPair) any {
	ck := a.set.cookies
	if ck == nil {
		p.CSRFToken = "" // header mode: the body is the plain token pair
		return p
	}
	a.SetCookies(c, p)
	body := cookieBody{TokenType: p.TokenType, ExpiresIn: p.ExpiresIn, CSRFToken: p.CSRFToken}
	if ck.tokensInBody {
		body.AccessToken, body.RefreshToken = p.AccessToken, p.RefreshToken
	}
	return body
}

// SetCookies sets the cookies of the cookie transport for p on the
// response, as sign-in does: the access token, the refresh token (when p
// has one) and the CSRF token (when p has one). Use it after
// [Auth.IssueTokens] in sign-in flows of your own. It does nothing
// without Config.Cookies.
func (a *Auth[U]) SetCookies(c *gin.Context, p TokenPair) {
	ck := a.set.cookies
	if ck == nil {
		return
	}
	refreshAge := int(a.set.refreshTTL.Seconds())
	http.SetCookie(c.Writer, ck.cookie(ck.access, p.AccessToken, "/", int(p.ExpiresIn), true, ck.sameSite))
	if p.RefreshToken != "" {
		http.SetCookie(c.Writer, ck.cookie(ck.refresh, p.RefreshToken, a.refreshPath(), refreshAge, true, http.SameSiteStrictMode))
	}
	if p.CSRFToken != "" {
		http.SetCookie(c.Writer, ck.cookie(ck.csrf, p.CSRFToken, "/", refreshAge, false, http.SameSiteStrictMode))
	}
}

// ClearCookies expires the three cookies of the cookie transport
// (Max-Age=0), as logout does. It does nothing without Config.Cookies.
//
// A cookie that a sibling subdomain set for the parent domain is not ours
// to clear: the browser keeps it until it expires.
func (a *Auth[U]) ClearCookies(c *gin.Context) {
	ck := a.set.cookies
	if ck == nil {
		return
	}
	http.SetCookie(c.Writer, ck.cookie(ck.access, "", "/", -1, true, ck.sameSite))
	http.SetCookie(c.Writer, ck.cookie(ck.refresh, "", a.refreshPath(), -1, true, http.SameSiteStrictMode))
	http.SetCookie(c.Writer, ck.cookie(ck.csrf, "", "/", -1, false, http.SameSiteStrictMode))
}

// refreshPath is the Path of the refresh cookie: CookieConfig.RefreshPath,
// or the group the auth routes were mounted on by any Auth over the same
// stores (so that the middleware of New clears the cookie Mount set), or
// "/" before any Mount.
func (a *Auth[U]) refreshPath() string {
	if p := a.set.cookies.refreshPath; p != "" {
		return p
	}
	if p := a.state.mountPath.Load(); p != nil {
		return *p
	}
	return "/"
}

// mountedAt records the path of the group the auth routes are mounted on.
func (a *Auth[U]) mountedAt(r gin.IRouter) {
	p := "/"
	if g, ok := r.(interface{ BasePath() string }); ok && g.BasePath() != "" {
		p = g.BasePath()
	}
	a.state.mountPath.Store(&p)
}

// cookie builds one of our cookies; a negative maxAge deletes it.
func (s *cookieSettings) cookie(name, value, path string, maxAge int, httpOnly bool, sameSite http.SameSite) *http.Cookie {
	if maxAge == 0 {
		maxAge = -1 // a lifetime under a second: gone at once rather than a session cookie
	}
	return &http.Cookie{
		Name: name, Value: value, Path: path, Domain: s.domain, MaxAge: maxAge,
		Secure: true, HttpOnly: httpOnly, SameSite: sameSite,
	}
}

// tossed reports whether the request carries one of our cookie names more
// than once.
func (s *cookieSettings) tossed(r *http.Request) bool {
	for _, name := range [...]string{s.access, s.refresh, s.csrf} {
		if len(r.CookiesNamed(name)) > 1 {
			return true
		}
	}
	return false
}

// value returns the value of our cookie name, or "".
func (s *cookieSettings) value(r *http.Request, name string) string {
	if cks := r.CookiesNamed(name); len(cks) == 1 {
		return cks[0].Value
	}
	return ""
}

// credentials finds the request's access token: Config.Extractors (the
// Authorization header by default) first, then, in cookie mode, the
// access cookie. byCookie reports that the token came from the cookie,
// which makes unsafe requests subject to the CSRF and Origin checks.
func (a *Auth[U]) credentials(c *gin.Context) (token string, byCookie bool, err error) {
	token, err = a.extract(c)
	ck := a.set.cookies
	if ck == nil || !(errors.Is(err, ErrTokenMissing) || errors.Is(err, ErrSchemeNotAccepted)) {
		return token, false, err
	}
	if ck.tossed(c.Request) {
		return "", true, invalid(ErrCookieTossed, nil)
	}
	v := ck.value(c.Request, ck.access)
	if v == "" {
		return "", false, err
	}
	if len(v) > a.set.maxTokenBytes {
		return "", true, invalid(ErrTokenTooLarge, nil)
	}
	return v, true, nil
}

// refuse answers a failed authentication. When the token came from our
// cookie and the session cannot go on (revoked or unknown session, user
// gone, tossed cookies), the answer also clears the cookies; an access
// token that merely expired clears nothing, so the client can refresh.
func (a *Auth[U]) refuse(c *gin.Context, err error, byCookie bool) {
	if byCookie && sessionOver(err) {
		a.ClearCookies(c)
	}
	a.abortAuth(c, err)
}

func sessionOver(err error) bool {
	return errors.Is(err, ErrCookieTossed) || errors.Is(err, ErrSessionRevoked) || errors.Is(err, ErrUserInactive)
}

// cookieAllowed checks an unsafe request authenticated by cookie: its
// Origin must be ours or trusted, and it must echo the session's CSRF
// token. It answers 403 (no challenge: the credentials were fine) and
// returns false otherwise.
func (a *Auth[U]) cookieAllowed(c *gin.Context, sessionCSRF string) bool {
	ck := a.set.cookies
	if safeMethod(c.Request.Method) {
		return true
	}
	if !ck.originAllowed(c.Request) {
		a.abortBad(c, refusal(http.StatusForbidden, ErrForeignOrigin, msgForeignOrigin))
		return false
	}
	if ck.checkCSRF && !csrfMatches(c.GetHeader(ck.csrfHeader), sessionCSRF) {
		a.abortBad(c, refusal(http.StatusForbidden, ErrCSRF, msgCSRF))
		return false
	}
	return true
}
