package ginjwt

import (
	"net/http"
	"path"
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
	base := "/"
	if g, ok := r.(interface{ BasePath() string }); ok {
		base = g.BasePath()
	}
	// The routes' own authentication; unlike Middleware it never skips.
	auth := func(c *gin.Context) { a.serve(c, false) }
	p := a.set.paths
	for _, rt := range []struct {
		method, path string
		handlers     []gin.HandlerFunc
	}{
		{http.MethodPost, p.Signup, []gin.HandlerFunc{a.signup}},
		{http.MethodPost, p.Signin, []gin.HandlerFunc{a.signin}},
		{http.MethodPost, p.Refresh, []gin.HandlerFunc{a.refresh}},
		{http.MethodPost, p.Logout, []gin.HandlerFunc{auth, a.logout}},
		{http.MethodPost, p.LogoutAll, []gin.HandlerFunc{auth, a.logoutAll}},
		{http.MethodGet, p.Me, []gin.HandlerFunc{auth, a.me}},
		{http.MethodPost, p.Password, []gin.HandlerFunc{auth, a.changePassword}},
		{http.MethodGet, p.Sessions, []gin.HandlerFunc{auth, a.listSessions}},
		{http.MethodDelete, p.Sessions + "/:id", []gin.HandlerFunc{auth, a.deleteSession}},
	} {
		if strings.HasPrefix(rt.path, "-") {
			continue
		}
		r.Handle(rt.method, rt.path, rt.handlers...)
		a.state.markMounted(rt.method, joinPath(base, rt.path))
	}
	return nil
}

// joinPath joins paths as gin does for route groups.
func joinPath(base, rel string) string {
	j := path.Join(base, rel)
	if strings.HasSuffix(rel, "/") && !strings.HasSuffix(j, "/") {
		j += "/"
	}
	return j
}

// writePair answers a token pair; token responses must not be cached
// (RFC 6749 §5.1).
func writePair(c *gin.Context, status int, p TokenPair) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
	c.JSON(status, p)
}

// clientOf describes the requesting client. The IP comes from
// c.ClientIP(), which believes X-Forwarded-For only from the engine's
// trusted proxies: configure them (gin trusts every proxy by default).
func clientOf(c *gin.Context) Client {
	return Client{UserAgent: c.Request.UserAgent(), IP: c.ClientIP()}
}
