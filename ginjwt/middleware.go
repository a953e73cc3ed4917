package ginjwt

import (
	"errors"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// New returns middleware that requires a valid access token: it extracts
// the token, verifies it, checks its session (when Config.Sessions is set)
// and loads its user, then makes both available through [CurrentUser],
// [CurrentClaims] and the request's context. A request without a usable
// token is answered 401, a store failure 503.
//
//	r.Use(ginjwt.New(cfg))                  // every route
//	api := r.Group("/api", ginjwt.New(cfg)) // one group
//
// New panics, naming the field, if cfg is invalid; use [Compile] and
// [Auth.Middleware] to get the error instead.
func New[U User](cfg Config[U]) gin.HandlerFunc {
	return MustCompile(cfg).Middleware()
}

// Optional is like [New] but lets requests without a token through: the
// user is set when a valid token is present, and no token, or credentials
// of a scheme we don't handle (Basic, say, left to other middleware), are
// fine. A presented but invalid token of ours is still rejected.
func Optional[U User](cfg Config[U]) gin.HandlerFunc {
	return MustCompile(cfg).Optional()
}

// Middleware returns the middleware of [New].
func (a *Auth[U]) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.skip(c) {
			c.Next()
			return
		}
		a.serve(c, false)
	}
}

// Optional returns the middleware of the package-level [Optional].
func (a *Auth[U]) Optional() gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.skip(c) {
			c.Next()
			return
		}
		a.serve(c, true)
	}
}

// serve authenticates the request and calls the next handler, or aborts.
func (a *Auth[U]) serve(c *gin.Context, optional bool) {
	token, byCookie, err := a.credentials(c) // cookies.go
	if err != nil {
		if optional && (errors.Is(err, ErrTokenMissing) || errors.Is(err, ErrSchemeNotAccepted)) {
			c.Next()
			return
		}
		a.refuse(c, err, byCookie)
		return
	}
	u, claims, csrf, err := a.authenticate(c.Request.Context(), token)
	if err != nil {
		a.refuse(c, err, byCookie)
		return
	}
	if byCookie && !a.cookieAllowed(c, csrf) { // CSRF and Origin checks
		return
	}
	if a.cfg.Hooks.CanSignIn != nil {
		if err := a.cfg.Hooks.CanSignIn(c.Request.Context(), *u); err != nil {
			a.abortHook(c, err)
			return
		}
	}
	a.attach(c, u, claims)
	c.Next()
}

// skip reports whether the request is left alone: Config.Skip, a public
// path, or a route mounted by Mount (which authenticates itself).
//
// Public paths are matched against the route gin chose (c.FullPath()),
// never the raw URL: with RemoveExtraSlash gin routes /public/../api/x to
// /api/x, and the URL would still say /public. A request that matched no
// route is matched by its cleaned path; it reaches no handler of the app.
func (a *Auth[U]) skip(c *gin.Context) bool {
	if a.cfg.Skip != nil && a.cfg.Skip(c) {
		return true
	}
	if isMounted(c.Handler()) {
		return true
	}
	routed := c.FullPath()
	if routed == "" {
		if len(a.set.exactPublic) == 0 && len(a.set.prefixPublic) == 0 {
			return false
		}
		routed = path.Clean("/" + c.Request.URL.Path)
	}
	if a.set.exactPublic[routed] {
		return true
	}
	for _, p := range a.set.prefixPublic {
		if strings.HasPrefix(routed, p) {
			return true
		}
	}
	return false
}

// extract runs the extractors in order. A token, or a presented but broken
// one, ends the search; "nothing of mine" goes on to the next extractor.
func (a *Auth[U]) extract(c *gin.Context) (string, error) {
	err := ErrTokenMissing
	for _, ex := range a.set.extractors {
		tok, e := ex(c.Request)
		switch {
		case e == nil:
			return tok, nil
		case errors.Is(e, ErrSchemeNotAccepted):
			err = e
		case errors.Is(e, ErrTokenMissing):
		default:
			return "", e
		}
	}
	return "", err
}

// Require returns middleware that lets a request through only when the
// authenticated user satisfies allowed; it must run after [New] or
// [Optional]. Without an authenticated user it answers 401; a user who is
// not allowed gets 403 with WWW-Authenticate: Bearer
// error="insufficient_scope".
//
//	admin := api.Group("/admin", ginjwt.Require(func(u User) bool { return u.IsStaff() }))
func Require[U User](allowed func(u U) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, ok := CurrentUser[U](c)
		if !ok {
			renderAuthError(c, renderOf(c), ErrTokenMissing)
			return
		}
		if !allowed(u) {
			abortForbidden(c, renderOf(c))
			return
		}
		c.Next()
	}
}

// RequireStaff is Require(func(u U) bool { return u.IsStaff() }).
func RequireStaff[U User]() gin.HandlerFunc {
	return Require(func(u U) bool { return u.IsStaff() })
}
