package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/internal/mailpittest"
)

// The example's HTML pages are declared as text/html strings.
func init() {
	openapi3filter.RegisterBodyDecoder("text/html", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	})
}

// checker sends requests to the example and validates every answer
// (status, headers, body) against the document the server itself serves
// at /openapi.json, and the request too when it is meant to succeed.
type checker struct {
	t      *testing.T
	base   string
	hc     *http.Client
	doc    *openapi3.T
	router routers.Router
	seen   map[string]bool // "METHOD path-template" answered
}

func newChecker(t *testing.T, base string, hc *http.Client) *checker {
	t.Helper()
	resp, err := hc.Get(base + "/openapi.json")
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)
	require.True(t, doc.IsOpenAPI31OrLater())
	require.NoError(t, doc.Validate(context.Background()))
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	return &checker{t: t, base: base, hc: hc, doc: doc, router: router, seen: map[string]bool{}}
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// do sends the request and validates it (when valid is true) and its
// answer against the document; headers are name, value pairs.
func (c *checker) do(method, path, body string, valid bool, headers ...string) answer {
	c.t.Helper()
	newReq := func() *http.Request {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, c.base+path, r)
		require.NoError(c.t, err)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return req
	}
	resp, err := c.hc.Do(newReq())
	require.NoError(c.t, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(c.t, err)

	req := newReq()
	route, params, err := c.router.FindRoute(req)
	require.NoError(c.t, err, "%s %s is not in the document", method, path)
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true},
	}
	if valid {
		assert.NoError(c.t, openapi3filter.ValidateRequest(context.Background(), in), "request %s %s", method, path)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(raw)), Options: in.Options,
	}
	assert.NoError(c.t, openapi3filter.ValidateResponse(context.Background(), out),
		"answer %d to %s %s: %s", resp.StatusCode, method, path, raw)
	c.seen[method+" "+route.Path] = true
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// coveredAll checks that every operation of the document was driven.
func (c *checker) coveredAll() {
	c.t.Helper()
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			assert.True(c.t, c.seen[method+" "+path], "%s %s was never requested", method, path)
		}
	}
}

func (c *checker) expect(status int, a answer) {
	c.t.Helper()
	require.Equal(c.t, status, a.status, "%s", a.raw)
}

// tokensOf returns the access and refresh tokens of a token-pair answer:
// from its body, or in cookie mode from its cookies.
func tokensOf(a answer, cookies bool) (access, refresh string) {
	if !cookies {
		access, _ = a.body["access_token"].(string)
		refresh, _ = a.body["refresh_token"].(string)
		return access, refresh
	}
	for _, ck := range (&http.Response{Header: a.header}).Cookies() {
		switch ck.Name {
		case "__Host-access_token":
			access = ck.Value
		case "__Secure-refresh_token":
			refresh = ck.Value
		}
	}
	return access, refresh
}

const (
	jsonCT  = "Content-Type"
	jsonApp = "application/json"
)

// openapiContract drives every route of the example through success and
// error answers; cookies says the server runs in cookie mode.
func openapiContract(t *testing.T, c *checker, cookies bool) {
	const email, pw = "oa@example.com", "correct horse battery"
	ct := []string{jsonCT, jsonApp}
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	with := func(a []string, b ...string) []string { return append(append([]string{}, a...), b...) }

	c.expect(200, c.do("GET", "/", "", true))
	c.expect(200, c.do("GET", "/openapi.json", "", true))
	c.expect(404, c.do("GET", "/.well-known/jwks.json", "", true)) // HS256: nothing to publish

	c.expect(201, c.do("POST", "/auth/signup", `{"email":"`+email+`","password":"`+pw+`","first_name":"Ada"}`, true, ct...))
	c.expect(409, c.do("POST", "/auth/signup", `{"email":"OA@example.com","password":"`+pw+`"}`, false, ct...))
	c.expect(400, c.do("POST", "/auth/signup", `{"email":"not an email","password":"`+pw+`"}`, false, ct...))
	c.expect(400, c.do("POST", "/auth/signup", `{"email":"x@example.com","password":"short"}`, false, ct...))
	c.expect(400, c.do("POST", "/auth/signup", `{`, false, ct...))
	c.expect(413, c.do("POST", "/auth/signup", `{"email":"`+strings.Repeat("a", 70<<10)+`"}`, false, ct...))

	signin := `{"email":"` + email + `","password":"` + pw + `"}`
	c.expect(401, c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"wrong password"}`, false, ct...))
	c.expect(400, c.do("POST", "/auth/signin", `[]`, false, ct...))
	a := c.do("POST", "/auth/signin", signin, true, ct...)
	c.expect(200, a)

	var tok, refresh, csrf string
	var cookie []string // "Cookie", value
	if cookies {
		csrf = a.body["csrf_token"].(string)
		var parts []string
		for _, ck := range (&http.Response{Header: a.header}).Cookies() {
			parts = append(parts, ck.Name+"="+ck.Value)
		}
		cookie = []string{"Cookie", strings.Join(parts, "; ")}

		c.expect(415, c.do("POST", "/auth/signin", signin, false, jsonCT, "text/plain"))
		c.expect(403, c.do("POST", "/auth/signin", signin, false, jsonCT, jsonApp, "Origin", "https://evil.example"))
		c.expect(200, c.do("GET", "/auth/me", "", true, cookie...))
		c.expect(200, c.do("GET", "/api/profile", "", true, cookie...))
		c.expect(403, c.do("POST", "/auth/logout-all", "", false, cookie...)) // no CSRF header
		c.expect(401, c.do("POST", "/auth/refresh", "", false))               // no cookie
		c.expect(403, c.do("POST", "/auth/refresh", "", false, cookie...))    // no CSRF header
		r := c.do("POST", "/auth/refresh", "", true, with(cookie, "X-CSRF-Token", csrf)...)
		c.expect(200, r)
		// The rotated refresh cookie replaces the old one.
		parts = nil
		for _, ck := range (&http.Response{Header: r.header}).Cookies() {
			parts = append(parts, ck.Name+"="+ck.Value)
		}
		cookie = []string{"Cookie", strings.Join(parts, "; ")}
		c.expect(204, c.do("POST", "/auth/logout", "", true, with(cookie, "X-CSRF-Token", csrf)...))
		c.expect(401, c.do("GET", "/auth/me", "", false, cookie...))
		c.expect(200, c.do("GET", "/demo/", "", true))

		// The Authorization header keeps working in cookie mode: the walk
		// below goes on with the tokens of the cookies.
		a = c.do("POST", "/auth/signin", signin, true, ct...)
		c.expect(200, a)
	}
	tok, refresh = tokensOf(a, cookies)

	c.expect(200, c.do("GET", "/auth/me", "", true, bearer(tok)...))
	c.expect(401, c.do("GET", "/auth/me", "", false))
	c.expect(401, c.do("GET", "/auth/me", "", false, bearer("not.a.token")...))
	c.expect(200, c.do("PATCH", "/auth/me", `{"first_name":"Augusta","username":"ada_oa"}`, true, with(ct, bearer(tok)...)...))
	c.expect(400, c.do("PATCH", "/auth/me", `{"first_name":5}`, false, with(ct, bearer(tok)...)...))
	c.expect(200, c.do("GET", "/api/profile", "", true, bearer(tok)...))
	c.expect(401, c.do("GET", "/api/profile", "", false))
	c.expect(403, c.do("GET", "/api/admin", "", true, bearer(tok)...))
	c.expect(401, c.do("GET", "/api/admin", "", false))

	s := c.do("GET", "/auth/sessions", "", true, bearer(tok)...)
	c.expect(200, s)
	c.expect(404, c.do("DELETE", "/auth/sessions/nope", "", true, bearer(tok)...))
	c.expect(401, c.do("GET", "/auth/sessions", "", false))

	r := c.do("POST", "/auth/refresh", `{"refresh_token":"`+refresh+`"}`, true, ct...)
	c.expect(200, r)
	c.expect(401, c.do("POST", "/auth/refresh", `{"refresh_token":"`+refresh+`"}`, false, ct...)) // reuse: session revoked
	c.expect(400, c.do("POST", "/auth/refresh", `{}`, false, ct...))

	a = c.do("POST", "/auth/signin", signin, true, ct...)
	c.expect(200, a)
	tok, _ = tokensOf(a, cookies)
	c.expect(401, c.do("POST", "/auth/password", `{"current_password":"wrong password","new_password":"another good one"}`, false, with(ct, bearer(tok)...)...))
	c.expect(400, c.do("POST", "/auth/password", `{"current_password":"`+pw+`","new_password":"short"}`, false, with(ct, bearer(tok)...)...))
	a = c.do("POST", "/auth/password", `{"current_password":"`+pw+`","new_password":"`+pw+` 2"}`, true, with(ct, bearer(tok)...)...)
	c.expect(200, a)
	tok, _ = tokensOf(a, cookies)

	list := c.do("GET", "/auth/sessions", "", true, bearer(tok)...)
	c.expect(200, list)
	var sessions []map[string]any
	require.NoError(t, json.Unmarshal(list.raw, &sessions))
	require.NotEmpty(t, sessions)
	other := c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"`+pw+` 2"}`, true, ct...)
	c.expect(200, other)
	otherTok, _ := tokensOf(other, cookies)
	list = c.do("GET", "/auth/sessions", "", true, bearer(otherTok)...)
	require.NoError(t, json.Unmarshal(list.raw, &sessions))
	for _, s := range sessions {
		if s["current"] == false {
			c.expect(204, c.do("DELETE", "/auth/sessions/"+s["id"].(string), "", true, bearer(otherTok)...))
		}
	}
	c.expect(401, c.do("GET", "/auth/me", "", false, bearer(tok)...)) // that session was deleted
	c.expect(204, c.do("POST", "/auth/logout", "", true, bearer(otherTok)...))
	c.expect(401, c.do("POST", "/auth/logout", "", false, bearer(otherTok)...))

	third := c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"`+pw+` 2"}`, true, ct...)
	c.expect(200, third)
	thirdTok, _ := tokensOf(third, cookies)
	c.expect(204, c.do("POST", "/auth/logout-all", "", true, bearer(thirdTok)...))
	c.expect(401, c.do("POST", "/auth/logout-all", "", false))

	// The throttle: ten failures, then 429 with Retry-After.
	for range 10 {
		c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"wrong password"}`, false, ct...)
	}
	c.expect(429, c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"wrong password"}`, false, ct...))
}

func TestOpenAPIContractSQLite(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "openapi.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret))
	c := newChecker(t, srv.URL, srv.Client())
	openapiContract(t, c, false)
	c.coveredAll()
}

func TestOpenAPIContractCookieMode(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "openapi.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret, "AUTH_COOKIES", "1"))
	c := newChecker(t, srv.URL, srv.Client())
	openapiContract(t, c, true)
	c.coveredAll()
}

func TestOpenAPIContractAccountEmails(t *testing.T) {
	mp := mailpittest.Start(t)
	db := "sqlite://" + filepath.Join(t.TempDir(), "openapi.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret, "SMTP_URL", "smtp://"+mp.SMTPAddr, "APP_URL", appURL))
	c := newChecker(t, srv.URL, srv.Client())
	openapiContract(t, c, false) // the other routes, with mail on
	ct := []string{jsonCT, jsonApp}
	c.expect(201, c.do("POST", "/auth/signup", `{"email":"mail@example.com","password":"correct horse battery"}`, true, ct...))
	c.expect(202, c.do("POST", "/auth/verify/request", `{"email":"mail@example.com"}`, true, ct...))
	c.expect(202, c.do("POST", "/auth/password/forgot", `{"email":"nobody@example.com"}`, true, ct...))
	c.expect(400, c.do("POST", "/auth/password/forgot", `{"email":"no"}`, false, ct...))
	c.expect(400, c.do("POST", "/auth/verify", `{"token":"bogus"}`, true, ct...))
	c.expect(400, c.do("POST", "/auth/password/reset", `{"token":"bogus","new_password":"correct horse battery"}`, true, ct...))
	c.expect(200, c.do("GET", "/verify-email", "", true))
	c.expect(200, c.do("GET", "/reset-password", "", true))

	// A real token, from the mail, verifies the address.
	m := mp.WaitFor(t, "mail@example.com", 1)
	_, token := linkOf(t, m)
	a := c.do("POST", "/auth/verify", `{"token":"`+token+`"}`, true, ct...)
	c.expect(200, a)
	assert.Equal(t, true, a.body["is_verified"])

	// And a reset token resets the password.
	c.expect(202, c.do("POST", "/auth/password/forgot", `{"email":"mail@example.com"}`, true, ct...))
	_, token = linkOf(t, mp.WaitFor(t, "mail@example.com", 2))
	c.expect(200, c.do("POST", "/auth/password/reset", `{"token":"`+token+`","new_password":"another horse battery"}`, true, ct...))
	c.coveredAll()
}

// The checks above would catch a wrong answer: a body, a status or a
// required header that the document does not allow.
func TestOpenAPICheckerBites(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "openapi.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret))
	c := newChecker(t, srv.URL, srv.Client())
	validate := func(method, path string, status int, header http.Header, body string) error {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		route, params, err := c.router.FindRoute(req)
		require.NoError(t, err)
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
		return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
			Status:                 status, Header: header, Body: io.NopCloser(strings.NewReader(body)), Options: opts,
		})
	}
	js := http.Header{"Content-Type": {"application/json"}}
	challenged := http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {"Bearer"}}
	require.NoError(t, validate("GET", "/auth/me", 401, challenged, `{"detail":"x"}`))
	assert.Error(t, validate("GET", "/auth/me", 401, js, `{"detail":"x"}`), "no WWW-Authenticate")
	assert.Error(t, validate("GET", "/auth/me", 401, challenged, `{"message":"x"}`), "not the error body")
	// Any status of an auth route carries the error body (the "default"
	// answer, for a hook's refusals); the example's own routes declare
	// every status they give.
	require.NoError(t, validate("GET", "/auth/me", 418, js, `{"detail":"x"}`))
	assert.Error(t, validate("GET", "/auth/me", 418, js, `{"message":"x"}`), "not the error body")
	assert.Error(t, validate("GET", "/api/profile", 418, js, `{"detail":"x"}`), "undeclared status")
	assert.Error(t, validate("GET", "/auth/me", 200, js, `{"id":"1"}`), "not a user object")
	assert.Error(t, validate("GET", "/auth/sessions", 200, js, `[{"id":"1"}]`), "not a session")
	assert.Error(t, validate("POST", "/auth/signin", 200, http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}},
		`{"access_token":"a","token_type":"Bearer","expires_in":1}`), "no refresh_token")
}
