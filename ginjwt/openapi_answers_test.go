package ginjwt_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// answerChecker validates the answers of an app's routes against the
// document its Auth.OpenAPI declares.
type answerChecker struct {
	t      *testing.T
	a      *app
	doc    *openapi3.T
	router routers.Router
}

func newAnswerChecker(t *testing.T, a *app) *answerChecker {
	t.Helper()
	doc, _ := loadOpenAPI(t, a.auth.OpenAPI())
	doc.Servers = openapi3.Servers{{URL: "http://example.com"}} // httptest.NewRequest's host
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	return &answerChecker{t: t, a: a, doc: doc, router: router}
}

// validate checks an answer (status, headers, body) to method path.
func (c *answerChecker) validate(method, path string, w response) error {
	c.t.Helper()
	req := httptest.NewRequest(method, "http://example.com"+path, nil)
	route, params, err := c.router.FindRoute(req)
	require.NoError(c.t, err, "%s %s is not in the document", method, path)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 w.Code, Header: w.Header(), Body: io.NopCloser(bytes.NewReader(w.Body.Bytes())), Options: opts,
	})
}

// do sends the request, checks its status and validates the answer.
func (c *answerChecker) do(status int, method, path string, body any, headers ...string) response {
	c.t.Helper()
	w := do(c.t, c.a.r, method, path, body, headers...)
	require.Equal(c.t, status, w.Code, "%s %s: %s", method, path, w.Body.String())
	assert.NoError(c.t, c.validate(method, path, w), "answer %d to %s %s: %s", w.Code, method, path, w.Body.String())
	return w
}

// A hook's refusal takes a status of its own choosing; the document still
// describes it: undeclared statuses through the "default" answer, a 401
// with its challenge, a 429 without the Retry-After only the throttle
// sends.
func TestOpenAPIDescribesHookRefusals(t *testing.T) {
	var refuse atomic.Int64 // CanSignIn's status; 0 lets the user in
	a := newApp(t, func(cfg *ginjwt.Config[memstore.User]) {
		cfg.Hooks.BeforeSignup = func(_ context.Context, u *memstore.User) error {
			switch {
			case strings.HasPrefix(u.Email, "closed"):
				return ginjwt.Reject(422, "Signups are closed")
			case strings.HasPrefix(u.Email, "broken"):
				return errors.New("the invitation service is down")
			}
			return nil
		}
		cfg.Hooks.CanSignIn = func(context.Context, memstore.User) error {
			if s := refuse.Load(); s != 0 {
				return ginjwt.Reject(int(s), "Not now")
			}
			return nil
		}
	})
	c := newAnswerChecker(t, a)
	signup := c.doc.Paths.Find("/auth/signup").Post
	require.Nil(t, signup.Responses.Status(422), "422 must come from the default answer for this test to mean anything")
	require.NotNil(t, signup.Responses.Default())

	const pw = "correct horse battery"
	w := c.do(422, "POST", "/auth/signup", map[string]string{"email": "closed@example.com", "password": pw})
	assert.Equal(t, "Signups are closed", w.detail(t))
	c.do(503, "POST", "/auth/signup", map[string]string{"email": "broken@example.com", "password": pw})
	c.do(201, "POST", "/auth/signup", map[string]string{"email": "open@example.com", "password": pw})

	signin := map[string]string{"email": "ada@example.com", "password": pw}
	refuse.Store(429)
	w = c.do(429, "POST", "/auth/signin", signin)
	assert.Empty(t, w.Header().Get("Retry-After"), "a hook cannot say when to retry")
	refuse.Store(451)
	c.do(451, "POST", "/auth/signin", signin)

	refuse.Store(0)
	var pair ginjwt.TokenPair
	c.do(200, "POST", "/auth/signin", signin).decode(t, &pair)
	refuse.Store(401)
	w = c.do(401, "GET", "/auth/me", nil, bearer(pair.AccessToken)...)
	assert.Equal(t, "Bearer", w.Header().Get("WWW-Authenticate"))
	refuse.Store(409)
	c.do(409, "GET", "/auth/sessions", nil, bearer(pair.AccessToken)...)
	refuse.Store(0)
	c.do(200, "GET", "/auth/me", nil, bearer(pair.AccessToken)...)

	// The checks bite: a default answer must still be the error body, and
	// without a CanSignIn hook the throttle's 429 must say when to retry.
	bad := response{httptest.NewRecorder()}
	bad.Code = 422
	bad.Header().Set("Content-Type", "application/json")
	bad.Body.WriteString(`{"message":"Signups are closed"}`)
	assert.Error(t, c.validate("POST", "/auth/signup", bad))
	plain := newAnswerChecker(t, newApp(t))
	tooMany := response{httptest.NewRecorder()}
	tooMany.Code = 429
	tooMany.Header().Set("Content-Type", "application/json")
	tooMany.Body.WriteString(`{"detail":"Not now"}`)
	assert.NoError(t, c.validate("POST", "/auth/signin", tooMany))
	assert.Error(t, plain.validate("POST", "/auth/signin", tooMany), "no Retry-After")
}

// The overloaded hasher's 503, with its Retry-After, is as declared.
func TestOpenAPIDescribesOverload(t *testing.T) {
	a, w := overloadedSignin(t) // hardening_test.go
	c := newAnswerChecker(t, a)
	require.Equal(t, 503, w.Code, w.Body.String())
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	assert.NoError(t, c.validate("POST", "/auth/signin", w))
	w.Header().Set("Retry-After", "soon")
	assert.Error(t, c.validate("POST", "/auth/signin", w), "Retry-After is a number of seconds")
}
