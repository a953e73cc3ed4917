package ginjwt_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// loadOpenAPI encodes the document of parts as JSON, loads it with
// kin-openapi and validates it as OpenAPI 3.1.
func loadOpenAPI(t *testing.T, parts ...map[string]any) (*openapi3.T, map[string]any) {
	t.Helper()
	doc := ginjwt.OpenAPIDocument("test", "1.0.0", parts...)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	loaded, err := openapi3.NewLoader().LoadFromData(b)
	require.NoError(t, err)
	require.True(t, loaded.IsOpenAPI31OrLater())
	require.NoError(t, loaded.Validate(context.Background()))
	var plain map[string]any // the document as a client reads it
	require.NoError(t, json.Unmarshal(b, &plain))
	return loaded, plain
}

// assertDefaultAnswers checks that every operation of doc has a default
// answer, for the statuses a hook's refusal may choose.
func assertDefaultAnswers(t *testing.T, doc *openapi3.T) {
	t.Helper()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if assert.NotNil(t, op.Responses.Default(), "%s %s has no default answer", method, path) {
				assert.Contains(t, op.Responses.Default().Value.Content, "application/json")
			}
		}
	}
}

func mountAt(t *testing.T, cfg ginjwt.Config[memstore.User], base string) *ginjwt.Auth[memstore.User] {
	t.Helper()
	r := gin.New()
	return ginjwt.Mount(r.Group(base), cfg)
}

func TestOpenAPIDefaults(t *testing.T) {
	f := newFixture(t)
	a := mountAt(t, f.cfg, "/auth")
	doc, _ := loadOpenAPI(t, a.OpenAPI())
	for path, methods := range map[string][]string{
		"/auth/signup": {"POST"}, "/auth/signin": {"POST"}, "/auth/refresh": {"POST"},
		"/auth/logout": {"POST"}, "/auth/logout-all": {"POST"}, "/auth/me": {"GET", "PATCH"},
		"/auth/password": {"POST"}, "/auth/sessions": {"GET"}, "/auth/sessions/{id}": {"DELETE"},
	} {
		item := doc.Paths.Find(path)
		require.NotNil(t, item, path)
		for _, m := range methods {
			assert.NotNil(t, item.GetOperation(m), "%s %s", m, path)
		}
	}
	assert.Equal(t, 9, doc.Paths.Len(), "no account-email routes without Config.Mail")
	assertDefaultAnswers(t, doc)
	assert.Nil(t, doc.Paths.Find("/auth/verify"))

	// The user object is U's JSON form: no hash, the contract's fields.
	user := doc.Components.Schemas["AuthUser"].Value
	for _, name := range []string{"id", "email", "username", "first_name", "last_name", "is_active", "is_staff"} {
		assert.Contains(t, user.Properties, name)
	}
	for name := range user.Properties {
		assert.NotContains(t, name, "password")
	}
	pair := doc.Components.Schemas["AuthTokenPair"].Value
	assert.ElementsMatch(t, []string{"access_token", "refresh_token", "token_type", "expires_in"}, pair.Required)
	assert.Equal(t, []string{"detail"}, doc.Components.Schemas["AuthError"].Value.Required)

	me := doc.Paths.Find("/auth/me").Get
	assert.NotNil(t, me.Responses.Status(401).Value.Headers["WWW-Authenticate"])
	signin := doc.Paths.Find("/auth/signin").Post
	assert.True(t, signin.Responses.Status(429).Value.Headers["Retry-After"].Value.Required)
	assert.NotContains(t, doc.Components.SecuritySchemes, "AuthAccessCookie")
	assert.Equal(t, "bearer", doc.Components.SecuritySchemes["AuthBearer"].Value.Scheme)
}

func TestOpenAPIRenamedAndDisabledPaths(t *testing.T) {
	f := newFixture(t)
	f.cfg.Paths = ginjwt.Paths{Signup: "/register", Sessions: "-", LogoutAll: "-", Me: "/whoami/:x"}
	a := mountAt(t, f.cfg, "/v1/accounts")
	doc, _ := loadOpenAPI(t, a.OpenAPI())
	assert.NotNil(t, doc.Paths.Find("/v1/accounts/register"))
	assert.Nil(t, doc.Paths.Find("/v1/accounts/signup"))
	assert.Nil(t, doc.Paths.Find("/v1/accounts/sessions"))
	assert.Nil(t, doc.Paths.Find("/v1/accounts/sessions/{id}"))
	assert.Nil(t, doc.Paths.Find("/v1/accounts/logout-all"))
	who := doc.Paths.Find("/v1/accounts/whoami/{x}")
	require.NotNil(t, who)
	require.Len(t, who.Get.Parameters, 1)
	assert.Equal(t, "x", who.Get.Parameters[0].Value.Name)

	// Mounted on the engine itself: no prefix.
	b := ginjwt.Mount(gin.New(), f.cfg)
	doc, _ = loadOpenAPI(t, b.OpenAPI())
	assert.NotNil(t, doc.Paths.Find("/register"))
}

func TestOpenAPICookieMode(t *testing.T) {
	f := newFixture(t)
	f.cfg.Cookies = &ginjwt.CookieConfig{}
	a := mountAt(t, f.cfg, "/auth")
	doc, _ := loadOpenAPI(t, a.OpenAPI())
	schemes := doc.Components.SecuritySchemes
	require.Contains(t, schemes, "AuthAccessCookie")
	assert.Equal(t, "cookie", schemes["AuthAccessCookie"].Value.In)
	assert.Equal(t, "__Host-access_token", schemes["AuthAccessCookie"].Value.Name)
	assert.Equal(t, "header", schemes["AuthCSRFHeader"].Value.In)
	assert.Equal(t, ginjwt.DefaultCSRFHeader, schemes["AuthCSRFHeader"].Value.Name)

	pair := doc.Components.Schemas["AuthTokenPair"].Value
	assert.ElementsMatch(t, []string{"token_type", "expires_in", "csrf_token"}, pair.Required)
	assert.NotContains(t, pair.Properties, "access_token")

	signin := doc.Paths.Find("/auth/signin").Post
	ok := signin.Responses.Status(200).Value
	assert.True(t, ok.Headers["Set-Cookie"].Value.Required)
	assert.NotNil(t, signin.Responses.Status(415))
	refresh := doc.Paths.Find("/auth/refresh").Post
	assert.False(t, refresh.RequestBody.Value.Required, "a bodiless refresh reads the cookie")
	logoutAll := doc.Paths.Find("/auth/logout-all").Post
	require.Len(t, *logoutAll.Security, 2)
	assert.Contains(t, (*logoutAll.Security)[1], "AuthCSRFHeader")
	me := doc.Paths.Find("/auth/me").Get
	assert.NotContains(t, (*me.Security)[1], "AuthCSRFHeader", "GET needs no CSRF token")
	assertDefaultAnswers(t, doc)
}

type openapiSignup struct {
	DisplayName string     `json:"display_name" binding:"required,max=64"`
	AcceptTerms bool       `json:"accept_terms" binding:"required"`
	Age         int        `json:"age,omitempty"`
	Tags        []string   `json:"tags"`
	Ignored     string     `json:"-"`
	Birthday    *time.Time `json:"birthday"`
}

func TestOpenAPISignupFieldsAndErrorSchema(t *testing.T) {
	f := newFixture(t)
	f.cfg.SignupFields = ginjwt.SignupWith(func(context.Context, *openapiSignup, *memstore.User) error { return nil })
	f.cfg.RenderError = ginjwt.ProblemJSON
	a := mountAt(t, f.cfg, "/auth")
	doc, _ := loadOpenAPI(t, a.OpenAPI())
	s := doc.Components.Schemas["AuthSignupRequest"].Value
	assert.ElementsMatch(t, []string{"email", "password", "display_name", "accept_terms"}, s.Required)
	assert.True(t, s.Properties["accept_terms"].Value.Type.Is("boolean"))
	assert.True(t, s.Properties["age"].Value.Type.Is("integer"))
	assert.True(t, s.Properties["tags"].Value.Type.Includes("array"))
	assert.NotContains(t, s.Properties, "Ignored")
	birthday := s.Properties["birthday"].Value
	assert.True(t, birthday.Type.Includes("string") && birthday.Type.Includes("null"))
	assert.Equal(t, "date-time", birthday.Format)

	// ProblemJSON's schema and media type, by default.
	assert.Contains(t, doc.Components.Schemas["AuthError"].Value.Required, "code")
	r := doc.Paths.Find("/auth/signup").Post.Responses.Status(409).Value
	assert.Contains(t, r.Content, "application/problem+json")

	// A renderer of the application's own supplies its schema.
	f.cfg.RenderError = func(c *gin.Context, status int, _ error, detail string) {
		c.JSON(status, gin.H{"error": gin.H{"message": detail}})
	}
	f.cfg.ErrorSchema = &ginjwt.ErrorSchema{MediaType: "application/json", Schema: map[string]any{
		"type": "object", "required": []any{"error"},
		"properties": map[string]any{"error": map[string]any{"type": "object"}},
	}}
	b := mountAt(t, f.cfg, "/auth")
	doc, _ = loadOpenAPI(t, b.OpenAPI())
	assert.Equal(t, []string{"error"}, doc.Components.Schemas["AuthError"].Value.Required)
}

func TestOpenAPIMailRoutesAndMerge(t *testing.T) {
	f := newFixture(t)
	f.cfg.Mail = &ginjwt.MailConfig{Mailer: discardMailer{}, VerifyURL: "https://app.example.com/verify-email", ResetURL: "https://app.example.com/reset-password"}
	a := mountAt(t, f.cfg, "/auth")
	defer func() { _ = a.Close(context.Background()) }()
	app := map[string]any{"paths": map[string]any{
		"/": map[string]any{"get": map[string]any{"responses": map[string]any{"200": map[string]any{"description": "ok"}}}},
	}}
	doc, _ := loadOpenAPI(t, app, a.OpenAPI())
	for _, p := range []string{"/auth/verify/request", "/auth/verify", "/auth/password/forgot", "/auth/password/reset", "/"} {
		assert.NotNil(t, doc.Paths.Find(p), p)
	}
	assert.Equal(t, 14, doc.Paths.Len())
	doc.Paths.Delete("/") // the application's, without a default answer
	assertDefaultAnswers(t, doc)
}
