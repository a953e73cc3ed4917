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
		if strings.EqualFold(scheme, s) {
			return checkTokenChars(strings.TrimLeft(rest, " "))
		}
	}
	return "", ErrSchemeNotAccepted
}

// checkTokenChars accepts the token68 syntax of RFC 7235 (the characters a
// compact JWS can hold, plus the few RFC 6750 allows).
func checkTokenChars(t string) (string, error) {
	if t == "" {
		return "", errTokenMalformed("no token after the scheme")
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=') {
			return "", errTokenMalformed("the token holds a character a token cannot have")
		}
	}
	return t, nil
}

// CookieExtractor reads the token from the named cookie.
func CookieExtractor(name string) Extractor {
	return func(r *http.Request) (string, error) {
		ck, err := r.Cookie(name)
		if err != nil || ck.Value == "" {
			return "", ErrTokenMissing
		}
		return checkTokenChars(ck.Value)
	}
}
