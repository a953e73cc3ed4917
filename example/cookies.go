package main

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// cookieMode reads AUTH_COOKIES and AUTH_TRUSTED_ORIGINS: with
// AUTH_COOKIES=1 the auth routes set HttpOnly token cookies, guarded
// against CSRF, beside the Authorization header; AUTH_TRUSTED_ORIGINS
// (comma-separated) names origins besides the server's own that may use
// them, such as an SPA on a sibling subdomain.
func cookieMode[U ginjwt.User](cfg *ginjwt.Config[U], lookup func(string) (string, bool)) error {
	v, _ := lookup("AUTH_COOKIES")
	switch strings.TrimSpace(v) {
	case "", "0", "false":
		return nil
	case "1", "true":
	default:
		return fmt.Errorf("environment variable AUTH_COOKIES: %q is not 1 or 0", v)
	}
	cc := &ginjwt.CookieConfig{}
	if origins, _ := lookup("AUTH_TRUSTED_ORIGINS"); strings.TrimSpace(origins) != "" {
		for _, o := range strings.Split(origins, ",") {
			if o = strings.TrimSpace(o); o == "" {
				continue
			}
			if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
				return fmt.Errorf("environment variable AUTH_TRUSTED_ORIGINS: %q is not an origin such as https://app.example.com", o)
			}
			cc.TrustedOrigins = append(cc.TrustedOrigins, o)
		}
	}
	cfg.Cookies = cc
	return nil
}

//go:embed demo
var demoFiles embed.FS

// mountDemo serves the cookie-mode demo page at GET /demo/: plain HTML and
// JavaScript, no build step. Its script is a file of its own so that the
// page can forbid inline scripts.
func mountDemo(r gin.IRouter) {
	r.GET("/demo/", serveEmbedded(demoFiles, "demo/index.html", "text/html; charset=utf-8"))
	r.GET("/demo/app.js", serveEmbedded(demoFiles, "demo/app.js", "text/javascript; charset=utf-8"))
}

// serveEmbedded answers an embedded file, with headers that forbid
// inline scripts, framing, sniffing and caching, plus extra headers as
// name, value pairs.
func serveEmbedded(files embed.FS, name, contentType string, extra ...string) gin.HandlerFunc {
	body, err := files.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return func(c *gin.Context) {
		c.Header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Cache-Control", "no-store")
		for i := 0; i+1 < len(extra); i += 2 {
			c.Header(extra[i], extra[i+1])
		}
		c.Data(http.StatusOK, contentType, body)
	}
}
