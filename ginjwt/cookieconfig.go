package ginjwt

import (
	"net/http"
	"net/url"
	"strings"
)

// Defaults of [CookieConfig].
const (
	DefaultAccessCookie  = "__Host-access_token"
	DefaultRefreshCookie = "__Secure-refresh_token"
	DefaultCSRFCookie    = "__Host-csrf_token"
	DefaultCSRFHeader    = "X-CSRF-Token"
)

// CookieConfig turns on the cookie transport for browser apps: sign-in,
// refresh and password change set the tokens as HttpOnly cookies, and the
// middleware accepts the access token from its cookie when the request
// has no Authorization header (which keeps working beside it). Requests
// authenticated by cookie are protected against CSRF; see
// docs/cookies.md. A zero CookieConfig is the recommended set-up:
//
//	cfg.Cookies = &ginjwt.CookieConfig{TrustedOrigins: []string{"https://app.example.com"}}
//
// Every cookie is Secure. Browsers accept Secure cookies from
// http://localhost; other clients over plain http must send them
// themselves.
type CookieConfig struct {
	// AccessName is the name of the access-token cookie (HttpOnly,
	// Path=/, Max-Age of the access token's lifetime). Default
	// "__Host-access_token", or "__Secure-access_token" when Domain is
	// set (a __Host- cookie cannot have a Domain).
	AccessName string

	// RefreshName is the name of the refresh-token cookie (HttpOnly,
	// SameSite=Strict, Path=RefreshPath, Max-Age of the refresh token's
	// lifetime). Default "__Secure-refresh_token".
	RefreshName string

	// CSRFName is the name of the CSRF-token cookie (readable by scripts,
	// SameSite=Strict, Path=/, Max-Age of the refresh token's lifetime).
	// Default "__Host-csrf_token", or "__Secure-csrf_token" when Domain
	// is set.
	CSRFName string

	// Domain, when set, is the Domain attribute of the three cookies, so
	// that sibling subdomains receive them. It switches the default names
	// from the __Host- prefix, which forbids a Domain, to __Secure-.
	// Default "" (host-only cookies, the safer choice).
	Domain string

	// RefreshPath is the Path of the refresh cookie, which only the
	// refresh and logout routes need. Default: the path of the group the
	// auth routes are mounted on (such as "/auth"), or "/" before [Mount].
	RefreshPath string

	// SameSite is the SameSite attribute of the access cookie: Lax
	// (default), Strict or None. The refresh and CSRF cookies are always
	// Strict.
	//
	// WARNING: None sends the access cookie with cross-site requests; the
	// CSRF token and the Origin check are then the only defences.
	SameSite http.SameSite

	// CSRFHeader is the request header that must echo the CSRF token on
	// unsafe requests authenticated by cookie. Default "X-CSRF-Token".
	CSRFHeader string

	// TrustedOrigins are origins ("https://app.example.com", scheme, host
	// and port only) allowed besides the server's own to make unsafe
	// requests by cookie and to call the routes that set cookies. A
	// request whose Origin header names any other origin gets 403.
	TrustedOrigins []string

	// TokensInBody keeps access_token and refresh_token in the JSON body
	// of token responses as well as in the cookies. Default false: the
	// body carries token_type, expires_in and csrf_token only, so that
	// scripts never see a token.
	//
	// WARNING: tokens in the body are readable by any script of the page,
	// which is what the cookie transport exists to prevent.
	TokensInBody bool

	// DisableCSRF turns the CSRF-token check off (the Origin check and
	// the Content-Type check stay).
	//
	// WARNING: without it, a page on a sibling subdomain or another port
	// of the same host (same-site, so SameSite does not help) can make
	// authenticated requests in the user's name.
	DisableCSRF bool
}

// cookieSettings is the validated, defaulted form of a CookieConfig.
type cookieSettings struct {
	access, refresh, csrf string
	domain                string
	refreshPath           string // CookieConfig.RefreshPath; "" for the mount path
	sameSite              http.SameSite
	csrfHeader            string
	trusted               map[string]bool
	tokensInBody          bool
	checkCSRF             bool
}

func (cc *CookieConfig) settings(hasSessions bool) (*cookieSettings, error) {
	s := &cookieSettings{
		access: cc.AccessName, refresh: cc.RefreshName, csrf: cc.CSRFName,
		domain: cc.Domain, refreshPath: cc.RefreshPath, sameSite: cc.SameSite,
		csrfHeader: cc.CSRFHeader, tokensInBody: cc.TokensInBody, checkCSRF: !cc.DisableCSRF,
		trusted: map[string]bool{},
	}
	defaultName := func(name *string, def string) {
		if *name == "" {
			*name = def
			if s.domain != "" {
				*name = strings.Replace(def, "__Host-", "__Secure-", 1)
			}
		}
	}
	defaultName(&s.access, DefaultAccessCookie)
	defaultName(&s.refresh, DefaultRefreshCookie)
	defaultName(&s.csrf, DefaultCSRFCookie)
	if s.domain != "" {
		if strings.TrimLeft(s.domain, ".") == "" || !isCookieOctets(s.domain) || strings.ContainsAny(s.domain, ";,") {
			return nil, configErrorf("Cookies.Domain", "%q is not a valid cookie domain", s.domain)
		}
	}
	for _, f := range []struct{ field, name string }{
		{"Cookies.AccessName", s.access}, {"Cookies.RefreshName", s.refresh}, {"Cookies.CSRFName", s.csrf},
	} {
		switch {
		case !isToken(f.name):
			return nil, configErrorf(f.field, "%q is not a valid cookie name", f.name)
		case strings.HasPrefix(f.name, "__Host-") && s.domain != "":
			return nil, configErrorf(f.field, "%q: a __Host- cookie cannot have a Domain; use __Secure- with Cookies.Domain", f.name)
		}
	}
	if s.access == s.refresh || s.access == s.csrf || s.refresh == s.csrf {
		return nil, configErrorf("Cookies", "the three cookie names must differ")
	}
	if (s.refreshPath != "" && !strings.HasPrefix(s.refreshPath, "/")) || !isCookieOctets(s.refreshPath) {
		return nil, configErrorf("Cookies.RefreshPath", "%q must start with /", s.refreshPath)
	}
	if strings.HasPrefix(s.refresh, "__Host-") && s.refreshPath != "/" {
		return nil, configErrorf("Cookies.RefreshName", "%q: a __Host- cookie needs Path=/, so set Cookies.RefreshPath to \"/\" or use __Secure-", s.refresh)
	}
	switch s.sameSite {
	case 0:
		s.sameSite = http.SameSiteLaxMode
	case http.SameSiteLaxMode, http.SameSiteStrictMode, http.SameSiteNoneMode:
	default:
		return nil, configErrorf("Cookies.SameSite", "must be http.SameSiteLaxMode, SameSiteStrictMode or SameSiteNoneMode")
	}
	if s.csrfHeader == "" {
		s.csrfHeader = DefaultCSRFHeader
	}
	if !isToken(s.csrfHeader) {
		return nil, configErrorf("Cookies.CSRFHeader", "%q is not a valid header name", s.csrfHeader)
	}
	for _, o := range cc.TrustedOrigins {
		norm, ok := normalizeOrigin(o)
		if !ok {
			return nil, configErrorf("Cookies.TrustedOrigins", "%q is not an origin (scheme://host[:port], http or https, nothing else)", o)
		}
		s.trusted[norm] = true
	}
	if s.checkCSRF && !hasSessions {
		return nil, configErrorf("Cookies", "CSRF protection keeps its token with the session: set Config.Sessions (or Cookies.DisableCSRF)")
	}
	return s, nil
}

// normalizeOrigin returns the serialised origin of o (lower case, no
// default port), or false when o is not an http(s) origin.
func normalizeOrigin(o string) (string, bool) {
	u, err := url.Parse(o)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	return scheme + "://" + hostWithoutDefaultPort(scheme, strings.ToLower(u.Host)), true
}

func hostWithoutDefaultPort(scheme, host string) string {
	switch {
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		return strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		return strings.TrimSuffix(host, ":443")
	}
	return host
}

// isToken reports whether s is an RFC 7230 token (cookie and header names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

// isCookieOctets reports whether s holds only characters an attribute
// value may (printable ASCII, no ';').
func isCookieOctets(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == ';' {
			return false
		}
	}
	return true
}
