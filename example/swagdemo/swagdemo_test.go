package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

var update = flag.Bool("update", false, "rewrite docs/swagger.json with swag (make openapi-swag)")

// swag, at a fixed version, and its arguments: the annotations of this
// package, JSON only, every field required unless its json tag says
// omitempty (as encoding/json writes it).
const swag = "github.com/swaggo/swag/cmd/swag@v1.16.6"

var swagArgs = []string{"init", "--generalInfo", "main.go", "--outputTypes", "json", "--requiredByDefault", "--quiet"}

func testConfig() ginjwt.Config[memstore.User] {
	store := memstore.New()
	return ginjwt.Config[memstore.User]{
		SigningKey: []byte("a test key of at least 32 bytes!"),
		Users:      store,
		Sessions:   store,
		Passwords:  password.MustNew(password.TestingOptions()), // tests must not spend seconds hashing
	}
}

func startDemo(t *testing.T) *httptest.Server {
	t.Helper()
	h, err := newApp(testConfig())
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// servedDocument fetches GET /openapi.json, loads it and checks that it
// is a valid OpenAPI 3.1 document.
func servedDocument(t *testing.T, srv *httptest.Server) (*openapi3.T, []byte) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)
	require.True(t, doc.IsOpenAPI31OrLater())
	require.NoError(t, doc.Validate(context.Background()))
	return doc, raw
}

// The served document holds the swag-described notes routes and every
// auth route, in the 3.1 forms, with ginjwt's bearer scheme.
func TestMergedDocument(t *testing.T) {
	doc, raw := servedDocument(t, startDemo(t))
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	assert.Equal(t, "Notes API", doc.Info.Title)
	for path, methods := range map[string][]string{
		"/api/notes": {"GET", "POST"}, "/api/notes/{id}": {"GET", "DELETE"},
		"/auth/signup": {"POST"}, "/auth/signin": {"POST"}, "/auth/refresh": {"POST"},
		"/auth/logout": {"POST"}, "/auth/logout-all": {"POST"}, "/auth/me": {"GET", "PATCH"},
		"/auth/password": {"POST"}, "/auth/sessions": {"GET"}, "/auth/sessions/{id}": {"DELETE"},
	} {
		item := doc.Paths.Value(path)
		require.NotNil(t, item, path)
		assert.Len(t, item.Operations(), len(methods), path)
		for _, m := range methods {
			assert.NotNil(t, item.GetOperation(m), "%s %s", m, path)
		}
	}
	assert.Equal(t, 11, doc.Paths.Len(), "the base path /api is folded in: no other paths")
	assert.Empty(t, doc.Servers, "one server serves both parts")

	bearer := doc.Components.SecuritySchemes["AuthBearer"].Value
	assert.Equal(t, "http", bearer.Type, "ginjwt's scheme replaced swag's API key")
	assert.Equal(t, "bearer", bearer.Scheme)
	list := doc.Paths.Value("/api/notes").Get
	require.NotNil(t, list.Security)
	assert.Equal(t, openapi3.SecurityRequirements{{"AuthBearer": []string{}}}, *list.Security)

	note := doc.Components.Schemas["Note"].Value
	assert.ElementsMatch(t, []string{"id", "title", "body", "created_at"}, note.Required)
	assert.Equal(t, "date-time", note.Properties["created_at"].Value.Format)
	title := doc.Components.Schemas["NewNote"].Value.Properties["title"].Value
	assert.Nil(t, title.Example, "3.0's example …")
	assert.Equal(t, []any{"Groceries"}, title.Examples, "… is 3.1's examples")
	assert.NotNil(t, doc.Components.Schemas["AuthUser"])
	assert.NotNil(t, doc.Tags.Get("auth"))
	assert.NotContains(t, string(raw), `"nullable"`)
	assert.NotContains(t, string(raw), `"swagger"`)
}

// docChecker validates the demo's answers against its served document.
type docChecker struct {
	t      *testing.T
	srv    *httptest.Server
	router routers.Router
}

// do sends the request, checks its status, and validates the request
// (when status is a success) and the answer.
func (c *docChecker) do(status int, method, path, body, token string) []byte {
	c.t.Helper()
	newReq := func() *http.Request {
		req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
		require.NoError(c.t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	resp, err := c.srv.Client().Do(newReq())
	require.NoError(c.t, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(c.t, err)
	require.Equal(c.t, status, resp.StatusCode, "%s %s: %s", method, path, raw)

	req := newReq()
	route, params, err := c.router.FindRoute(req)
	require.NoError(c.t, err, "%s %s is not in the document", method, path)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if status < 400 {
		assert.NoError(c.t, openapi3filter.ValidateRequest(context.Background(), in), "request %s %s", method, path)
	}
	assert.NoError(c.t, openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(raw)), Options: opts,
	}), "answer %d to %s %s: %s", resp.StatusCode, method, path, raw)
	return raw
}

// Every answer of the notes routes and of the auth routes they rely on
// is as the merged document says.
func TestAnswersFollowTheDocument(t *testing.T) {
	srv := startDemo(t)
	doc, _ := servedDocument(t, srv)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	c := &docChecker{t: t, srv: srv, router: router}

	creds := `{"email":"ada@example.com","password":"correct horse battery"}`
	c.do(201, "POST", "/auth/signup", creds, "")
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(c.do(200, "POST", "/auth/signin", creds, ""), &pair))
	tok := pair.AccessToken

	var created note
	require.NoError(t, json.Unmarshal(c.do(201, "POST", "/api/notes", `{"title":" Groceries ","body":"Eggs"}`, tok), &created))
	assert.Equal(t, "Groceries", created.Title)
	c.do(400, "POST", "/api/notes", `{"title":"  "}`, tok)
	c.do(400, "POST", "/api/notes", `{"title":5}`, tok)
	c.do(400, "POST", "/api/notes", `{"title":"`+strings.Repeat("x", 201)+`"}`, tok)
	c.do(400, "POST", "/api/notes", `[`, tok)
	c.do(413, "POST", "/api/notes", `{"title":"`+strings.Repeat("x", maxNoteBody)+`"}`, tok)
	c.do(401, "POST", "/api/notes", `{"title":"Groceries"}`, "")

	var list []note
	require.NoError(t, json.Unmarshal(c.do(200, "GET", "/api/notes", "", tok), &list))
	require.Len(t, list, 1)
	c.do(200, "GET", "/api/notes/"+created.ID, "", tok)
	c.do(404, "GET", "/api/notes/nope", "", tok)
	c.do(401, "GET", "/api/notes", "", "not.a.token")
	c.do(204, "DELETE", "/api/notes/"+created.ID, "", tok)
	c.do(404, "DELETE", "/api/notes/"+created.ID, "", tok)
	c.do(200, "GET", "/auth/me", "", tok)
	require.NoError(t, json.Unmarshal(c.do(200, "GET", "/api/notes", "", tok), &list))
	assert.Empty(t, list)

	// Another user sees none of Ada's notes.
	other := `{"email":"eve@example.com","password":"correct horse battery"}`
	c.do(201, "POST", "/auth/signup", other, "")
	require.NoError(t, json.Unmarshal(c.do(200, "POST", "/auth/signin", other, ""), &pair))
	require.NoError(t, json.Unmarshal(c.do(201, "POST", "/api/notes", `{"title":"Mine"}`, tok), &created))
	c.do(404, "GET", "/api/notes/"+created.ID, "", pair.AccessToken)
}

func authPart(t *testing.T) map[string]any {
	t.Helper()
	return ginjwt.Mount(gin.New().Group("/auth"), testConfig()).OpenAPI()
}

// A clash between the two parts is an error, not a silent overwrite; a
// swag base path is folded into the paths.
func TestMergeRules(t *testing.T) {
	swagger := func(basePath, path, definition string) []byte {
		return []byte(`{"swagger":"2.0","info":{"title":"t","version":"1"},"basePath":"` + basePath + `",
			"paths":{"` + path + `":{"post":{"responses":{"204":{"description":"done"}}}}},
			"definitions":{"` + definition + `":{"type":"object"}}}`)
	}
	_, err := openAPI(swagger("", "/auth/signin", "Thing"), authPart(t))
	assert.ErrorContains(t, err, "POST /auth/signin")
	_, err = openAPI(swagger("/auth", "/signin", "Thing"), authPart(t))
	assert.ErrorContains(t, err, "POST /auth/signin", "after the base path is folded in")
	_, err = openAPI(swagger("", "/x", "AuthUser"), authPart(t))
	assert.ErrorContains(t, err, "schema AuthUser")
	_, err = openAPI([]byte(`{"swagger":`), authPart(t))
	assert.Error(t, err)

	doc, err := openAPI(swagger("/v1/", "/x", "Thing"), authPart(t))
	require.NoError(t, err)
	assert.NotNil(t, doc.Paths.Value("/v1/x"))
	assert.NotNil(t, doc.Paths.Value("/auth/me").Patch, "another method of a path the app also has is fine")
}

// docs/swagger.json is what swag makes of the annotations now; with
// -update it is rewritten (make openapi-swag).
func TestSwaggerIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs swag: not in -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out := t.TempDir()
	if *update {
		out = "docs"
	}
	cmd := exec.Command(goBin, append([]string{"run", swag}, append(swagArgs, "--output", out)...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run %s: %v\n%s", swag, err, b)
	}
	if *update {
		return
	}
	want, err := os.ReadFile(filepath.Join(out, "swagger.json"))
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join("docs", "swagger.json"))
	require.NoError(t, err)
	if !bytes.Equal(got, want) {
		t.Errorf("docs/swagger.json is not what swag makes of the annotations; run make openapi-swag")
	}
}
