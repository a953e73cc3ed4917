package ginjwt

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
)

// Mount registers the auth routes on r (a group such as
// r.Group("/auth"), or the engine) and returns the compiled Auth for the Go
// API. It panics, naming the field, if cfg is invalid or has no Sessions
// store. The routes, with their default paths (see [Paths]):
//
//	POST   /signup        201 the user object
//	POST   /signin        200 a token pair
//	POST   /refresh       200 a new token pair (rotation, reuse detection)
//	POST   /logout        204, access token required
//	POST   /logout-all    204, access token required
//	GET    /me            200 the user object, access token required
//	POST   /password      200 a new token pair, access token required
//	GET    /sessions      200 the live sessions, access token required
//	DELETE /sessions/:id  204, access token required
//	PATCH  /me            200 the updated user object, access token
//	                      required (when Users implements ProfileUpdater)
//
// The routes authenticate themselves, so a global r.Use(ginjwt.New(cfg))
// leaves them alone whatever the order of registration.
func Mount[U User](r gin.IRouter, cfg Config[U]) *Auth[U] {
	a := MustCompile(cfg)
	if err := a.Mount(r); err != nil {
		panic(err.Error())
	}
	return a
}

// Mount registers the auth routes of a on r; see the package-level [Mount].
func (a *Auth[U]) Mount(r gin.IRouter) error {
	if a.sessions == nil {
		return configErrorf("Sessions", "a SessionStore is required to mount the auth routes")
	}
	// The routes' own authentication; unlike Middleware it never skips.
	auth := func(c *gin.Context) { a.serve(c, false) }
	// public guards the routes that set cookies without an access token
	// against login CSRF, in cookie mode.
	public := func(h gin.HandlerFunc) []gin.HandlerFunc { return []gin.HandlerFunc{h} }
	a.mountedAt(r) // for the refresh cookie's Path and the OpenAPI paths
	if a.set.cookies != nil {
		public = func(h gin.HandlerFunc) []gin.HandlerFunc { return []gin.HandlerFunc{a.guardPublic, h} }
	}
	p := a.set.paths
	type route = struct {
		method, path string
		handlers     []gin.HandlerFunc
	}
	var mail []route
	if a.mail != nil {
		mail = []route{
			{http.MethodPost, p.VerifyRequest, public(a.verifyRequest)},
			{http.MethodPost, p.Verify, public(a.verify)},
			{http.MethodPost, p.PasswordForgot, public(a.passwordForgot)},
			{http.MethodPost, p.PasswordReset, public(a.passwordReset)},
		}
	}
	for _, rt := range append([]route{
		{http.MethodPost, p.Signup, public(a.signup)},
		{http.MethodPost, p.Signin, public(a.signin)},
		{http.MethodPost, p.Refresh, public(a.refresh)},
		{http.MethodPost, p.Logout, []gin.HandlerFunc{a.logoutAuth, a.logout}},
		{http.MethodPost, p.LogoutAll, []gin.HandlerFunc{auth, a.logoutAll}},
		{http.MethodGet, p.Me, []gin.HandlerFunc{auth, a.me}},
		{http.MethodPost, p.Password, []gin.HandlerFunc{auth, a.changePassword}},
		{http.MethodGet, p.Sessions, []gin.HandlerFunc{auth, a.listSessions}},
		{http.MethodDelete, p.Sessions + "/:id", []gin.HandlerFunc{auth, a.deleteSession}},
		{http.MethodPatch, a.profilePath(), []gin.HandlerFunc{auth, a.updateProfile}},
	}, mail...) {
		if strings.HasPrefix(rt.path, "-") {
			continue
		}
		last := len(rt.handlers) - 1
		rt.handlers[last] = mounted(rt.handlers[last])
		r.Handle(rt.method, rt.path, rt.handlers...)
	}
	return nil
}

// mounted marks the final handler of a route that Mount registered. The
// middleware leaves such a route alone (it authenticates itself, or is
// public by design) by recognising the handler gin routed to, not a method
// and path: a route with the same path on another engine, or added by the
// application, is never mistaken for one of ours. Every handler it returns
// is an instance of one function literal, so one code pointer identifies
// them all; noinline keeps that literal from being copied into callers.
//
//go:noinline
func mounted(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) { h(c) }
}

var mountedCode = reflect.ValueOf(mounted(nil)).Pointer()

// isMounted reports whether h was registered by Mount.
func isMounted(h gin.HandlerFunc) bool {
	return h != nil && reflect.ValueOf(h).Pointer() == mountedCode
}

// writePair answers a token pair, and in cookie mode sets its cookies;
// token responses must not be cached (RFC 6749 §5.1).
func (a *Auth[U]) writePair(c *gin.Context, status int, p TokenPair) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
	c.JSON(status, a.pairResponse(c, p))
}

// clientOf describes the requesting client. The IP comes from
// c.ClientIP(), which believes X-Forwarded-For only from the engine's
// trusted proxies: configure them (gin trusts every proxy by default).
func clientOf(c *gin.Context) Client {
	return Client{UserAgent: c.Request.UserAgent(), IP: c.ClientIP()}
}
