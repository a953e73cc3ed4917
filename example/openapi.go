package main

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// exampleOpenAPI is the OpenAPI 3.1 document of the example server: the
// auth routes as the configuration mounted them (auth.OpenAPI), merged
// with the example's own routes. cookies and mail say which optional
// pages are mounted.
func exampleOpenAPI(authPart map[string]any, cookies, mail, bench bool) map[string]any {
	str := map[string]any{"type": "string"}
	errBody := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/AuthError"}},
		}}
	}
	challenged := func(r map[string]any) map[string]any {
		r["headers"] = map[string]any{"WWW-Authenticate": map[string]any{
			"required": true, "schema": str,
			"description": "The Bearer challenge (RFC 6750)",
		}}
		return r
	}
	jsonOK := func(desc string, schema map[string]any) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{
			"application/json": map[string]any{"schema": schema},
		}}
	}
	// The protected routes take the access token as the auth routes do:
	// the bearer header, or in cookie mode the access cookie.
	security := []any{map[string]any{"AuthBearer": []any{}}}
	if cookies {
		security = append(security, map[string]any{"AuthAccessCookie": []any{}})
	}
	protected := func(id, summary string, ok map[string]any, forbidden bool) map[string]any {
		responses := map[string]any{
			"200": ok,
			"401": challenged(errBody("No valid access token")),
			"503": errBody("A store is unreachable"),
		}
		if forbidden {
			responses["403"] = challenged(errBody("The user lacks the permission (error=\"insufficient_scope\")"))
		}
		return map[string]any{"get": map[string]any{
			"operationId": id, "summary": summary, "tags": []any{"api"},
			"security": security, "responses": responses,
		}}
	}
	html := func(id, summary string) map[string]any {
		return map[string]any{"get": map[string]any{
			"operationId": id, "summary": summary, "tags": []any{"pages"}, "security": []any{},
			"responses": map[string]any{"200": map[string]any{"description": "An HTML page", "content": map[string]any{
				"text/html": map[string]any{"schema": str},
			}}},
		}}
	}
	object := func(props ...string) map[string]any {
		p := map[string]any{}
		req := []any{}
		for _, name := range props {
			p[name] = str
			req = append(req, name)
		}
		return map[string]any{"type": "object", "required": req, "properties": p}
	}
	paths := map[string]any{
		"/": map[string]any{"get": map[string]any{
			"operationId": "index", "summary": "Where things are", "tags": []any{"meta"}, "security": []any{},
			"responses": map[string]any{"200": jsonOK("The server's name and route groups", object("name", "auth", "api"))},
		}},
		"/openapi.json": map[string]any{"get": map[string]any{
			"operationId": "openapi", "summary": "This document", "tags": []any{"meta"}, "security": []any{},
			"responses": map[string]any{"200": jsonOK("An OpenAPI 3.1 document", map[string]any{"type": "object"})},
		}},
		"/.well-known/jwks.json": map[string]any{"get": map[string]any{
			"operationId": "jwks", "summary": "The public keys (RFC 7517); 404 while the keys are HMAC only",
			"tags": []any{"meta"}, "security": []any{},
			"responses": map[string]any{
				"200": map[string]any{
					"description": "The JSON Web Key Set",
					"headers": map[string]any{
						"Cache-Control": map[string]any{"required": true, "schema": str},
						"ETag":          map[string]any{"required": true, "schema": str},
					},
					"content": map[string]any{"application/jwk-set+json": map[string]any{"schema": map[string]any{
						"type": "object", "required": []any{"keys"},
						"properties": map[string]any{"keys": map[string]any{"type": "array", "items": map[string]any{
							"type": "object", "required": []any{"kty", "kid", "alg", "use"},
							"properties": map[string]any{"kty": str, "kid": str, "alg": str, "use": map[string]any{"type": "string", "const": "sig"}},
						}}},
					}}},
				},
				"304": map[string]any{"description": "Not modified (If-None-Match)"},
				"404": errBody("No public keys: the algorithm is HMAC"),
			},
		}},
		"/api/profile": protected("profile", "The signed-in user",
			jsonOK("The user object", map[string]any{"$ref": "#/components/schemas/AuthUser"}), false),
		"/api/admin": protected("admin", "Staff only",
			jsonOK("A welcome", object("message", "id")), true),
	}
	if cookies {
		paths["/demo/"] = html("demo", "The cookie-mode demo page")
	}
	if mail {
		paths["/verify-email"] = html("verifyEmailPage", "The page the verification mail links to; a GET spends nothing")
		paths["/reset-password"] = html("resetPasswordPage", "The page the reset mail links to; a GET spends nothing")
	}
	if bench {
		paths["/bench/hello"] = map[string]any{"get": map[string]any{
			"operationId": "benchHello", "summary": "make load's public route (EXAMPLE_BENCH_ROUTES=1)",
			"tags": []any{"meta"}, "security": []any{},
			"responses": map[string]any{"200": jsonOK("A fixed greeting", object("hello"))},
		}}
		paths["/api/hello"] = protected("apiHello", "make load's protected route (EXAMPLE_BENCH_ROUTES=1): /bench/hello's answer",
			jsonOK("A fixed greeting", object("hello")), false)
	}
	return ginjwt.OpenAPIDocument("ginjwt example", "1.0.0", map[string]any{"paths": paths}, authPart)
}

// serveOpenAPI answers the document, encoded once.
func serveOpenAPI(doc map[string]any) (gin.HandlerFunc, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return func(c *gin.Context) { c.Data(http.StatusOK, "application/json", b) }, nil
}
