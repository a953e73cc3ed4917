package ginjwt

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// OpenAPI returns the OpenAPI 3.1 description of the auth routes that
// [Auth.Mount] registered, as plain Go values ready for encoding/json: a
// map with "paths" and "components" (schemas, security schemes). It
// follows the configuration: the paths under the group they are mounted
// on, renamed and disabled ("-") routes, the profile and account-email
// routes when they are mounted, cookie mode (the cookie and CSRF-header
// security schemes, the Set-Cookie headers, the token pair without its
// tokens), the application's signup fields (Config.SignupFields) and
// user type, and the error body of Config.ErrorSchema. Component names
// start with "Auth", so that they can be merged into an application's own
// document; see [OpenAPIDocument] and docs/openapi.md.
//
// Call it after Mount: before, the paths are relative to "/". Each call
// returns new values, which the caller may change.
func (a *Auth[U]) OpenAPI() map[string]any {
	d := &apiDoc[U]{a: a, paths: map[string]any{}}
	d.build()
	return map[string]any{
		"paths": d.paths,
		"components": map[string]any{
			"schemas":         d.schemas(),
			"securitySchemes": d.securitySchemes(),
		},
	}
}

// OpenAPIDocument returns a whole OpenAPI 3.1 document titled title at
// version version, whose paths and components are those of parts (each a
// value of [Auth.OpenAPI] or of the same shape), merged in order: a later
// part's path or component replaces an earlier one of the same name.
func OpenAPIDocument(title, version string, parts ...map[string]any) map[string]any {
	paths := map[string]any{}
	components := map[string]any{}
	for _, p := range parts {
		mergeInto(paths, p["paths"])
		if c, ok := p["components"].(map[string]any); ok {
			for kind, v := range c {
				m, _ := components[kind].(map[string]any)
				if m == nil {
					m = map[string]any{}
					components[kind] = m
				}
				mergeInto(m, v)
			}
		}
	}
	return map[string]any{
		"openapi":    "3.1.0",
		"info":       map[string]any{"title": title, "version": version},
		"paths":      paths,
		"components": components,
	}
}

func mergeInto(dst map[string]any, src any) {
	m, _ := src.(map[string]any)
	for k, v := range m {
		if old, ok := dst[k].(map[string]any); ok { // a path with other methods
			if nv, ok := v.(map[string]any); ok && strings.HasPrefix(k, "/") {
				for method, op := range nv {
					old[method] = op
				}
				continue
			}
		}
		dst[k] = v
	}
}

// ErrorSchema describes the error body an [ErrorRenderer] writes, for
// [Auth.OpenAPI]: its media type and its JSON Schema.
type ErrorSchema struct {
	MediaType string         // such as "application/json"
	Schema    map[string]any // a JSON Schema (2020-12)
}

// DetailJSONSchema is the [ErrorSchema] of [DetailJSON]: {"detail": string}.
func DetailJSONSchema() *ErrorSchema {
	return &ErrorSchema{MediaType: "application/json", Schema: detailSchema()}
}

// ProblemJSONSchema is the [ErrorSchema] of [ProblemJSON], an RFC 9457
// problem details object with its "code" extension.
func ProblemJSONSchema() *ErrorSchema {
	return &ErrorSchema{MediaType: "application/problem+json", Schema: map[string]any{
		"type":     "object",
		"required": []any{"type", "title", "status", "detail", "code"},
		"properties": map[string]any{
			"type":   map[string]any{"type": "string"},
			"title":  map[string]any{"type": "string"},
			"status": map[string]any{"type": "integer"},
			"detail": map[string]any{"type": "string"},
			"code":   map[string]any{"type": "string", "description": "the error's stable code (see docs/errors.md)"},
		},
	}}
}

func detailSchema() map[string]any {
	return map[string]any{
		"type":       "object",
		"required":   []any{"detail"},
		"properties": map[string]any{"detail": map[string]any{"type": "string"}},
	}
}

// errorSchema is the error body the configuration answers with: the
// application's Config.ErrorSchema, or that of the built-in renderer in
// use; a renderer of the application's own without an ErrorSchema may
// write anything, which the document then says.
func (a *Auth[U]) errorSchema() *ErrorSchema {
	switch r := a.cfg.RenderError; {
	case a.cfg.ErrorSchema != nil:
		return a.cfg.ErrorSchema
	case r == nil || sameFunc(r, DetailJSON):
		return DetailJSONSchema()
	case sameFunc(r, ProblemJSON):
		return ProblemJSONSchema()
	}
	return &ErrorSchema{MediaType: "application/json", Schema: map[string]any{}}
}

func sameFunc(f, g ErrorRenderer) bool {
	return reflect.ValueOf(f).Pointer() == reflect.ValueOf(g).Pointer()
}

// Component names.
const (
	oaUser         = "AuthUser"
	oaTokenPair    = "AuthTokenPair"
	oaSession      = "AuthSession"
	oaError        = "AuthError"
	oaMessage      = "AuthMessage"
	oaSignup       = "AuthSignupRequest"
	oaBearer       = "AuthBearer"
	oaAccessCookie = "AuthAccessCookie"
	oaRefresh      = "AuthRefreshCookie"
	oaCSRF         = "AuthCSRFHeader"
)

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

type apiDoc[U User] struct {
	a     *Auth[U]
	paths map[string]any
}

// base is the path of the group the routes are mounted on, without a
// trailing slash.
func (d *apiDoc[U]) base() string {
	if p := d.a.state.mountPath.Load(); p != nil {
		return strings.TrimSuffix(*p, "/")
	}
	return ""
}

// oaPath turns a gin path ("/sessions/:id") into an OpenAPI one
// ("/sessions/{id}") and returns its parameters.
func oaPath(p string) (string, []any) {
	segs := strings.Split(p, "/")
	var params []any
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			params = append(params, map[string]any{
				"name": s[1:], "in": "path", "required": true,
				"schema": map[string]any{"type": "string"},
			})
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/"), params
}

func (d *apiDoc[U]) add(method, path string, op map[string]any) {
	if strings.HasPrefix(path, "-") {
		return
	}
	full, params := oaPath(d.base() + path)
	if full == "" {
		full = "/"
	}
	if params != nil {
		op["parameters"] = params
	}
	if op[tokenSecurityKey] != nil {
		delete(op, tokenSecurityKey)
		op["security"] = d.tokenSecurity(method != http.MethodGet)
	}
	op["tags"] = []any{"auth"}
	item, _ := d.paths[full].(map[string]any)
	if item == nil {
		item = map[string]any{}
		d.paths[full] = item
	}
	item[strings.ToLower(method)] = op
}

// tokenSecurityKey marks, until add, an operation that takes an access
// token.
const tokenSecurityKey = "\x00token"

// route kinds, for their security and error answers.
const (
	public = iota // no access token; sets cookies or sends mail
	token         // an access token
)

func (d *apiDoc[U]) build() {
	p := d.a.set.paths
	cookies := d.a.set.cookies != nil
	jsonBody := func(schema map[string]any, required bool) map[string]any {
		return map[string]any{
			"required": required,
			"content":  map[string]any{"application/json": map[string]any{"schema": schema}},
		}
	}
	obj := func(required []any, props map[string]any) map[string]any {
		return map[string]any{"type": "object", "required": required, "properties": props}
	}
	str := map[string]any{"type": "string"}
	pairResp := func(desc string) map[string]any {
		r := d.body(desc, ref(oaTokenPair))
		r["headers"] = d.pairHeaders()
		return r
	}

	d.add(http.MethodPost, p.Signup, d.op("signUp", "Create an account", public, nil,
		jsonBody(ref(oaSignup), true),
		map[int]any{http.StatusCreated: d.body("The new user", ref(oaUser))},
		400, 403, 409, 413, 503))
	d.add(http.MethodPost, p.Signin, d.op("signIn", "Sign in with a password", public, nil,
		jsonBody(obj([]any{"email", "password"}, map[string]any{"email": str, "password": str}), true),
		map[int]any{http.StatusOK: pairResp("A new session's token pair")},
		400, 401, 403, 413, 429, 503))
	var refreshSec []any
	if cookies {
		refreshSec = []any{map[string]any{}, map[string]any{oaRefresh: []any{}, oaCSRF: []any{}}}
	}
	d.add(http.MethodPost, p.Refresh, d.op("refresh", "Rotate a refresh token for a new token pair", public, refreshSec,
		jsonBody(obj([]any{"refresh_token"}, map[string]any{"refresh_token": str}), !cookies),
		map[int]any{http.StatusOK: pairResp("The new token pair")},
		400, 401, 403, 413, 503))
	var logoutSec []any
	if cookies {
		logoutSec = append(d.tokenSecurity(false), map[string]any{oaRefresh: []any{}, oaCSRF: []any{}})
	}
	d.add(http.MethodPost, p.Logout, d.op("logout", "End this session", token, logoutSec, nil,
		map[int]any{http.StatusNoContent: d.noContent("Signed out")}, 401, 403, 503))
	d.add(http.MethodPost, p.LogoutAll, d.op("logoutAll", "End every session of the user", token, nil, nil,
		map[int]any{http.StatusNoContent: d.noContent("Every session ended")}, 401, 403, 503))
	d.add(http.MethodGet, p.Me, d.op("getMe", "The signed-in user", token, nil, nil,
		map[int]any{http.StatusOK: d.body("The user", ref(oaUser))}, 401, 403, 503))
	if path := d.a.profilePath(); path != "-" {
		props := map[string]any{}
		for _, f := range d.a.profileFields {
			props[f] = str
		}
		d.add(http.MethodPatch, path, d.op("updateMe", "Change the user's profile", token, nil,
			jsonBody(map[string]any{"type": "object", "properties": props}, true),
			map[int]any{http.StatusOK: d.body("The updated user", ref(oaUser))}, 400, 401, 403, 409, 413, 503))
	}
	d.add(http.MethodPost, p.Password, d.op("changePassword", "Change the password; every other session ends", token, nil,
		jsonBody(obj([]any{"current_password", "new_password"}, map[string]any{"current_password": str, "new_password": str}), true),
		map[int]any{http.StatusOK: pairResp("A new session's token pair")}, 400, 401, 403, 413, 429, 503))
	if p.Sessions != "-" {
		d.add(http.MethodGet, p.Sessions, d.op("listSessions", "The user's live sessions, newest first", token, nil, nil,
			map[int]any{http.StatusOK: d.body("The sessions", map[string]any{"type": "array", "items": ref(oaSession)})}, 401, 403, 503))
		d.add(http.MethodDelete, p.Sessions+"/:id", d.op("deleteSession", "End one of the user's sessions", token, nil, nil,
			map[int]any{http.StatusNoContent: d.noContent("The session ended")}, 401, 403, 404, 503))
	}
	if d.a.mail == nil {
		return
	}
	email := jsonBody(obj([]any{"email"}, map[string]any{"email": str}), true)
	queued := map[int]any{http.StatusAccepted: d.message("Accepted, whatever the account's state")}
	d.add(http.MethodPost, p.VerifyRequest, d.op("requestVerification", "Send an email-verification link", public, nil,
		email, queued, 400, 403, 413, 429, 503))
	d.add(http.MethodPost, p.Verify, d.op("verifyEmail", "Verify an email with a mailed token", public, nil,
		jsonBody(obj([]any{"token"}, map[string]any{"token": str}), true),
		map[int]any{http.StatusOK: d.body("The verified user", ref(oaUser))}, 400, 403, 413, 503))
	d.add(http.MethodPost, p.PasswordForgot, d.op("forgotPassword", "Send a password-reset link", public, nil,
		email, queued, 400, 403, 413, 429, 503))
	d.add(http.MethodPost, p.PasswordReset, d.op("resetPassword", "Set a new password with a mailed token", public, nil,
		jsonBody(obj([]any{"token", "new_password"}, map[string]any{"token": str, "new_password": str}), true),
		map[int]any{http.StatusOK: d.message("The password was reset")}, 400, 403, 413, 503))
}

// op builds an operation: its security (the default of its kind unless
// security is given), request body, success answers and error answers.
func (d *apiDoc[U]) op(id, summary string, kind int, security []any, body map[string]any, ok map[int]any, errs ...int) map[string]any {
	o := map[string]any{"operationId": "auth_" + id, "summary": summary}
	switch {
	case security != nil:
		o["security"] = security
	case kind == token:
		o[tokenSecurityKey] = true // add fills it in, by the method
	default:
		o["security"] = []any{}
	}
	if body != nil {
		o["requestBody"] = body
	}
	responses := map[string]any{}
	for status, r := range ok {
		responses[strconv.Itoa(status)] = r
	}
	if kind == public && d.a.set.cookies != nil && body != nil {
		errs = append(errs, http.StatusUnsupportedMediaType)
	}
	hooked := d.decides(id, kind)
	for _, status := range errs {
		responses[strconv.Itoa(status)] = d.errorResponse(status, kind, hooked)
	}
	// A hook's Reject picks its own 4xx, which the list above may not
	// have: every other status still carries the error body.
	responses["default"] = d.errorResponse(0, kind, hooked)
	o["responses"] = responses
	return o
}

// decides reports whether a decision hook of the configuration can
// refuse the operation id with a status of its choosing: BeforeSignup at
// signup, CanSignIn at sign-in, refresh and on every route that takes an
// access token.
func (d *apiDoc[U]) decides(id string, kind int) bool {
	h := d.a.cfg.Hooks
	switch {
	case id == "signUp":
		return h.BeforeSignup != nil
	case id == "signIn", id == "refresh", kind == token:
		return h.CanSignIn != nil
	}
	return false
}

// tokenSecurity: the bearer token, or in cookie mode the access cookie
// (with the CSRF header on unsafe methods).
func (d *apiDoc[U]) tokenSecurity(unsafe bool) []any {
	sec := []any{map[string]any{oaBearer: []any{}}}
	if d.a.set.cookies != nil {
		c := map[string]any{oaAccessCookie: []any{}}
		if unsafe && d.a.set.cookies.checkCSRF {
			c[oaCSRF] = []any{}
		}
		sec = append(sec, c)
	}
	return sec
}

var errorDescriptions = map[int]string{
	400: "Malformed JSON, a missing or invalid field, or a password outside the policy",
	401: "No valid credentials",
	403: "Refused: a foreign Origin or failed CSRF check in cookie mode, an unverified email, or the application's policy",
	404: "Not one of the user's live sessions",
	409: "The email or username is taken",
	413: "Request body too large",
	415: "Cookie mode: a body that is not application/json",
	429: "Too many failed attempts; retry after Retry-After seconds",
	503: "A store is unreachable or the server is overloaded",
	0:   "Any other error status, such as a hook's refusal (ginjwt.Reject) with a status of its choosing",
}

// errorResponse is the answer of an error status (0: the default
// response) of an operation of kind; hooked says a decision hook may
// refuse the operation.
func (d *apiDoc[U]) errorResponse(status, kind int, hooked bool) map[string]any {
	es := d.a.errorSchema()
	r := map[string]any{
		"description": errorDescriptions[status],
		"content":     map[string]any{es.MediaType: map[string]any{"schema": ref(oaError)}},
	}
	headers := map[string]any{}
	switch {
	case status == http.StatusUnauthorized && kind == token:
		headers["WWW-Authenticate"] = map[string]any{
			"description": "The Bearer challenge (RFC 6750), with error=\"invalid_token\" when a token was rejected",
			"required":    true,
			"schema":      map[string]any{"type": "string"},
		}
	case status == http.StatusTooManyRequests:
		// The throttle always says when to retry; a hook's Reject(429)
		// cannot.
		headers["Retry-After"] = retryAfter(!hooked)
	case status == http.StatusServiceUnavailable:
		headers["Retry-After"] = retryAfter(false)
	}
	if d.a.set.cookies != nil && status == http.StatusUnauthorized {
		headers["Set-Cookie"] = setCookie("Clears the auth cookies when the session is over")
	}
	if len(headers) > 0 {
		r["headers"] = headers
	}
	return r
}

func retryAfter(required bool) map[string]any {
	return map[string]any{
		"description": "Seconds to wait before retrying",
		"required":    required,
		"schema":      map[string]any{"type": "integer", "minimum": 0},
	}
}

func setCookie(desc string) map[string]any {
	return map[string]any{"description": desc, "schema": map[string]any{"type": "string"}}
}

func (d *apiDoc[U]) body(desc string, schema map[string]any) map[string]any {
	return map[string]any{
		"description": desc,
		"content":     map[string]any{"application/json": map[string]any{"schema": schema}},
	}
}

func (d *apiDoc[U]) message(desc string) map[string]any {
	r := d.body(desc, ref(oaMessage))
	r["headers"] = map[string]any{"Cache-Control": noStore()}
	return r
}

func noStore() map[string]any {
	return map[string]any{
		"description": "Token and account answers are never cached",
		"required":    true,
		"schema":      map[string]any{"type": "string", "const": "no-store"},
	}
}

func (d *apiDoc[U]) noContent(desc string) map[string]any {
	r := map[string]any{"description": desc}
	if d.a.set.cookies != nil {
		r["headers"] = map[string]any{"Set-Cookie": setCookie("Clears the auth cookies")}
	}
	return r
}

func (d *apiDoc[U]) pairHeaders() map[string]any {
	h := map[string]any{"Cache-Control": noStore()}
	if ck := d.a.set.cookies; ck != nil {
		sc := setCookie("The access-token (" + ck.access + "), refresh-token (" + ck.refresh + ") and CSRF-token (" + ck.csrf + ") cookies")
		sc["required"] = true
		h["Set-Cookie"] = sc
	}
	return h
}

func (d *apiDoc[U]) schemas() map[string]any {
	str := map[string]any{"type": "string"}
	pair := map[string]any{
		"type":     "object",
		"required": []any{"access_token", "refresh_token", "token_type", "expires_in"},
		"properties": map[string]any{
			"access_token":  str,
			"refresh_token": str,
			"token_type":    map[string]any{"type": "string", "const": "Bearer"},
			"expires_in":    map[string]any{"type": "integer", "description": "seconds until the access token expires"},
		},
	}
	if ck := d.a.set.cookies; ck != nil {
		// The tokens travel in cookies; the body carries the CSRF token,
		// and the tokens only with CookieConfig.TokensInBody.
		pair["required"] = []any{"token_type", "expires_in", "csrf_token"}
		pair["properties"].(map[string]any)["csrf_token"] = map[string]any{
			"type": "string", "description": "send it back in the " + ck.csrfHeader + " header on unsafe requests",
		}
		if !ck.tokensInBody {
			props := pair["properties"].(map[string]any)
			delete(props, "access_token")
			delete(props, "refresh_token")
		}
	}
	session := jsonSchemaOf(reflect.TypeFor[SessionView]())
	props := session["properties"].(map[string]any)
	props["created_at"] = map[string]any{"type": "string", "format": "date-time"}
	props["last_used_at"] = map[string]any{"type": "string", "format": "date-time"}
	props["id"] = map[string]any{"type": "string", "description": "the sid claim of the session's access tokens"}
	return map[string]any{
		oaUser:      jsonSchemaOf(reflect.TypeFor[U]()),
		oaTokenPair: pair,
		oaSession:   session,
		oaError:     d.a.errorSchema().Schema,
		oaMessage:   detailSchema(),
		oaSignup:    d.signupSchema(),
	}
}

// signupSchema is the signup body: the spec's fields and the
// application's Config.SignupFields payload (by json tags, required by
// the binding:"required" rule).
func (d *apiDoc[U]) signupSchema() map[string]any {
	str := map[string]any{"type": "string"}
	props := map[string]any{
		"email": map[string]any{"type": "string", "format": "email"}, "password": str,
		"username": str, "first_name": str, "last_name": str,
	}
	required := []any{"email", "password"}
	if sf := d.a.cfg.SignupFields; sf != nil {
		t := sf.PayloadType()
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if s := jsonSchemaOf(t); t.Kind() == reflect.Struct {
			for name, ps := range s["properties"].(map[string]any) {
				if _, ok := props[name]; !ok {
					props[name] = ps
				}
			}
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" {
					name = f.Name
				}
				if name != "-" && f.IsExported() && hasOpt(f.Tag.Get("binding"), "required") && !containsAny(required, name) {
					required = append(required, name)
				}
			}
		}
	}
	return map[string]any{"type": "object", "required": required, "properties": props}
}

func containsAny(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (d *apiDoc[U]) securitySchemes() map[string]any {
	s := map[string]any{}
	if h := d.a.cfg.Header; h == "" || strings.EqualFold(h, DefaultHeader) {
		s[oaBearer] = map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
	} else {
		s[oaBearer] = map[string]any{"type": "apiKey", "in": "header", "name": h,
			"description": "\"<scheme> <access token>\""}
	}
	if ck := d.a.set.cookies; ck != nil {
		s[oaAccessCookie] = map[string]any{"type": "apiKey", "in": "cookie", "name": ck.access}
		s[oaRefresh] = map[string]any{"type": "apiKey", "in": "cookie", "name": ck.refresh}
		s[oaCSRF] = map[string]any{"type": "apiKey", "in": "header", "name": ck.csrfHeader,
			"description": "the csrf_token of the token pair (also in the " + ck.csrf + " cookie)"}
	}
	return s
}
