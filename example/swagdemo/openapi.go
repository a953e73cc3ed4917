package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3conv"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// openAPI returns the app's OpenAPI 3.1 document: its own routes as swag
// described them in swagger (Swagger 2.0), converted, with the auth
// routes of authPart (Auth.OpenAPI) merged in.
//
// It is 3.1, not the 3.0 that openapi2conv writes, because the auth part
// is 3.1 (JSON Schema 2020-12: type arrays for null, const): the
// converted part is rewritten into the 3.1 forms (openapi3conv), which
// loses nothing, where the other way would.
//
// A path operation or schema that both parts define is an error. A
// security scheme of the auth part replaces the app's of the same name:
// Swagger 2.0 has no bearer scheme, so the annotations declare
// AuthBearer as an API key, and ginjwt's HTTP bearer scheme takes its
// place.
func openAPI(swagger []byte, authPart map[string]any) (*openapi3.T, error) {
	ctx := context.Background()
	var v2 openapi2.T
	if err := json.Unmarshal(swagger, &v2); err != nil {
		return nil, fmt.Errorf("reading the swag document: %w", err)
	}
	// The auth paths are absolute: fold the base path (swag's @BasePath)
	// into the app's paths, so that one server URL serves both.
	if base := strings.TrimSuffix(v2.BasePath, "/"); base != "" {
		paths := make(map[string]*openapi2.PathItem, len(v2.Paths))
		for p, item := range v2.Paths {
			paths[base+p] = item
		}
		v2.Paths, v2.BasePath = paths, ""
	}
	doc, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("converting the swag document: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("the swag document, as OpenAPI 3.0: %w", err)
	}
	openapi3conv.Upgrade(doc) // nullable, exclusive bounds, example: their 3.1 forms
	doc.OpenAPI = "3.1.0"     // Upgrade says 3.2; the auth part and the generators stay at 3.1

	b, err := json.Marshal(ginjwt.OpenAPIDocument(doc.Info.Title, doc.Info.Version, authPart))
	if err != nil {
		return nil, err
	}
	auth, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("loading the auth routes' document: %w", err)
	}
	if err := merge(doc, auth); err != nil {
		return nil, err
	}

	// What is served is what validated: the merged document, read back.
	b, err = json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	merged, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("reading the merged document back: %w", err)
	}
	if err := merged.Validate(ctx); err != nil {
		return nil, fmt.Errorf("the merged document: %w", err)
	}
	return merged, nil
}

// merge adds the paths, schemas, security schemes and tags of auth to
// doc.
func merge(doc, auth *openapi3.T) error {
	if doc.Paths == nil {
		doc.Paths = openapi3.NewPaths()
	}
	for path, item := range auth.Paths.Map() {
		mine := doc.Paths.Value(path)
		if mine == nil {
			doc.Paths.Set(path, item)
			continue
		}
		for method, op := range item.Operations() {
			if mine.GetOperation(method) != nil {
				return fmt.Errorf("%s %s is both the app's and an auth route", method, path)
			}
			mine.SetOperation(method, op)
		}
	}
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	if doc.Components.Schemas == nil {
		doc.Components.Schemas = openapi3.Schemas{}
	}
	for name, s := range auth.Components.Schemas {
		if _, ok := doc.Components.Schemas[name]; ok {
			return fmt.Errorf("schema %s is both the app's and the auth routes'", name)
		}
		doc.Components.Schemas[name] = s
	}
	if doc.Components.SecuritySchemes == nil {
		doc.Components.SecuritySchemes = openapi3.SecuritySchemes{}
	}
	for name, s := range auth.Components.SecuritySchemes {
		doc.Components.SecuritySchemes[name] = s
	}
	if doc.Tags.Get("auth") == nil {
		doc.Tags = append(doc.Tags, &openapi3.Tag{Name: "auth", Description: "Sign-up, sign-in and sessions (ginjwt)"})
	}
	return nil
}
