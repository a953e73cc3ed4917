package ginjwt

import (
	"net/http"
	"net/textproto"
	"strings"
)

// Extractor finds the access token in a request.
//
// It returns ErrTokenMissing when the request carries nothing of its kind,
// and ErrSchemeNotAccepted when it carries credentials that are not ours
// (say, "Authorization: Basic …"); in both cases the next extractor is
// tried. Any other error means a token was presented but is unusable, and
// the request is rejected, also by [Optional].
type Extractor func(r *http.Request) (string, error)

// HeaderExtractor reads "<scheme> <token>" from the named header. The scheme
// is compared case-insensitively with each of schemes; with no schemes the
// header holds the bare token.
func HeaderExtractor(header string, schemes ...string) Extractor {
	key := textproto.CanonicalMIMEHeaderKey(header)
	return func(r *http.Request) (string, error) {
		values := r.Header[key]
		if len(values) == 0 || values[0] == "" {
			return "", ErrTokenMissing
		}
		if len(values) > 1 {
			return "", errTokenMalformed("more than one " + key + " header")
		}
		return splitScheme(values[0], schemes)
	}
}

// splitScheme takes the token out of a header value.
func splitScheme(v string, schemes []string) (string, error) {
	if len(schemes) == 0 {
		return checkTokenChars(strings.TrimSpace(v))
	}
	scheme, rest, _ := strings.Cut(v, " ")
	for _, s := range schemes {
		if asciiEqualFold(scheme, s) {
			return checkTokenChars(strings.TrimLeft(rest, " "))
		}
	}
	return "", ErrSchemeNotAccepted
}

// checkTokenChars accepts one non-empty word. The token's characters are
// checked once, by the parser (see compactJWS), not here as well.
func checkTokenChars(t string) (string, error) {
	switch {
	case t == "":
		return "", errTokenMalformed("no token after the scheme")
	case strings.IndexByte(t, ' ') >= 0:
		return "", errTokenMalformed("more than one word after the scheme")
	}
	return t, nil
}

// asciiEqualFold compares scheme names, which are ASCII (RFC 7235),
// without Unicode folding (strings.EqualFold would match the Kelvin sign).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// CookieExtractor reads the token from the named cookie. Two cookies of
// that name in one request (cookie tossing from a sibling subdomain) are
// refused with [ErrCookieTossed].
//
// It is meant for applications that mint their own cookies and use it
// alone with [New]: it checks neither CSRF nor Origin, which is then the
// application's job. [CookieConfig] does both.
func CookieExtractor(name string) Extractor {
	return func(r *http.Request) (string, error) {
		cks := r.CookiesNamed(name)
		switch {
		case len(cks) > 1:
			return "", invalid(ErrCookieTossed, nil)
		case len(cks) == 0 || cks[0].Value == "":
			return "", ErrTokenMissing
		}
		return checkTokenChars(cks[0].Value)
	}
}
