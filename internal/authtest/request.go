package authtest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Password is the password of every user the helpers sign up.
const Password = "correct horse battery"

// Request describes one HTTP request to a [Server].
type Request struct {
	Method, Path string
	Body         any    // nil, or a value to encode as JSON
	Token        string // the bearer token, if any
	RemoteAddr   string // the client's socket address, if not the default
}

// Reply is a response as the client saw it.
type Reply struct {
	Code   int
	Header http.Header
	Body   []byte
}

// String returns the status and the body, for failure messages.
func (r Reply) String() string { return fmt.Sprintf("%d %s", r.Code, r.Body) }

// Detail returns the "detail" of an error body, or an error when the body
// is not {"detail": "<non-empty>"}.
func (r Reply) Detail() (string, error) {
	var b map[string]any
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return "", fmt.Errorf("error body %q is not JSON: %w", r.Body, err)
	}
	d, ok := b["detail"].(string)
	if !ok || d == "" {
		return "", fmt.Errorf("error body %q has no detail", r.Body)
	}
	return d, nil
}

// SignupRequest signs up email with [Password].
func SignupRequest(email string) Request {
	return Request{Method: http.MethodPost, Path: "/auth/signup", Body: map[string]string{"email": email, "password": Password}}
}

// SigninRequest signs in email with pw.
func SigninRequest(email, pw string) Request {
	return Request{Method: http.MethodPost, Path: "/auth/signin", Body: map[string]string{"email": email, "password": pw}}
}

// RefreshRequest rotates refreshToken.
func RefreshRequest(refreshToken string) Request {
	return Request{Method: http.MethodPost, Path: "/auth/refresh", Body: map[string]string{"refresh_token": refreshToken}}
}

// ProfileRequest asks the protected route for the user of accessToken.
func ProfileRequest(accessToken string) Request {
	return Request{Method: http.MethodGet, Path: "/api/profile", Token: accessToken}
}

// LogoutRequest ends the session of accessToken.
func LogoutRequest(accessToken string) Request {
	return Request{Method: http.MethodPost, Path: "/auth/logout", Token: accessToken}
}

// LogoutAllRequest ends every session of the user of accessToken.
func LogoutAllRequest(accessToken string) Request {
	return Request{Method: http.MethodPost, Path: "/auth/logout-all", Token: accessToken}
}
