package ginjwt

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// Messages of the cookie transport's refusals.
const (
	msgCSRF          = "CSRF token missing or incorrect"
	msgForeignOrigin = "Origin not allowed"
	msgNotJSON       = "Content-Type must be application/json"
	msgNoRefresh     = "Refresh token missing"
	msgBadRefresh    = "Invalid or expired refresh token"
)

// newCSRFToken returns a session's CSRF token: 256 random bits,
// base64url. It is stored with the session (Session.CSRFToken), so it is
// the same across refreshes, survives restarts and is known to every
// instance over the same store; see docs/cookies.md for why not a MAC.
func newCSRFToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// csrfMatches compares the token a request sent with its session's in
// constant time. A session without a token (stored before tokens
// existed) matches nothing.
func csrfMatches(sent, session string) bool {
	return session != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(session)) == 1
}

// safeMethod reports whether m is one of the methods that must not change
// anything (RFC 9110 §9.2.1) and so need no CSRF token.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
