package ginjwt

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// originAllowed reports whether r may act through our cookies as far as
// its origin tells: an Origin header naming the server itself or a
// trusted origin, or, from clients that send none (not a browser making
// an unsafe request), anything but a Sec-Fetch-Site of cross-site.
// "Origin: null" (sandboxed frames, some redirects) is foreign.
func (s *cookieSettings) originAllowed(r *http.Request) bool {
	values := r.Header.Values("Origin")
	switch len(values) {
	case 0:
		return r.Header.Get("Sec-Fetch-Site") != "cross-site"
	case 1:
	default:
		return false
	}
	origin, ok := normalizeOrigin(values[0])
	if !ok {
		return false
	}
	return s.trusted[origin] || ownOrigin(r, origin)
}

// ownOrigin reports whether origin is the server's own: the host the
// request was sent to, over https, or over http when the request itself
// came over plain http (a proxy that terminates TLS makes every request
// look like that, which is why https is always accepted).
func ownOrigin(r *http.Request, origin string) bool {
	scheme, host, _ := strings.Cut(origin, "://")
	if scheme == "http" && r.TLS != nil {
		return false
	}
	return host == hostWithoutDefaultPort(scheme, strings.ToLower(r.Host))
}

// hasBody reports whether the request carries a body.
func hasBody(r *http.Request) bool {
	return r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody
}

// isJSON reports whether a Content-Type is application/json.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// guardPublic protects, in cookie mode, the routes that set cookies (or
// send mail) without an access token against login CSRF: a foreign
// Origin gets 403, and a body that is not declared JSON gets 415, since
// an HTML form can only send form types and text/plain. A bodiless
// refresh by cookie is guarded by the CSRF header instead.
func (a *Auth[U]) guardPublic(c *gin.Context) {
	ck := a.set.cookies
	switch {
	case !ck.originAllowed(c.Request):
		a.abortBad(c, refusal(http.StatusForbidden, ErrForeignOrigin, msgForeignOrigin))
	case hasBody(c.Request) && !isJSON(c.GetHeader("Content-Type")):
		a.abortBad(c, refusal(http.StatusUnsupportedMediaType, ErrNotJSON, msgNotJSON))
	default:
		c.Next()
	}
}
