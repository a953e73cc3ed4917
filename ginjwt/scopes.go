package ginjwt

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// Scopes. An access token carries the permissions its user had when it was
// issued, in the "scope" claim: scope tokens separated by single spaces
// (RFC 8693 §4.2, the syntax of RFC 6749 §3.3). Config.Scopes fills it;
// [RequireScope] checks it. See docs/scopes.md for how long a removed
// permission survives in tokens already issued.

// validScopeToken reports whether s is a scope token of RFC 6749 §3.3:
// one or more printable ASCII characters other than space, '"' and '\'.
// Those exclusions also keep it safe inside a WWW-Authenticate
// quoted-string.
func validScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' {
			return false
		}
	}
	return true
}

// scopeClaim builds the "scope" claim of u's next token from
// Config.Scopes: the scopes in the order given, duplicates dropped.
func (a *Auth[U]) scopeClaim(ctx context.Context, u U) (string, error) {
	if a.cfg.Scopes == nil {
		return "", nil
	}
	list, err := a.cfg.Scopes(ctx, u)
	if err != nil {
		return "", fmt.Errorf("ginjwt: Scopes: %w", err)
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !validScopeToken(s) {
			return "", fmt.Errorf("ginjwt: Scopes returned %q, which is not a scope token (printable ASCII without space, '\"' or '\\')", s)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " "), nil
}

// Scopes returns the scope tokens of the "scope" claim, or nil.
func (c *Claims) Scopes() []string {
	return strings.Fields(c.Scope)
}

// HasScope reports whether the "scope" claim holds scope.
func (c *Claims) HasScope(scope string) bool {
	for s := range strings.FieldsSeq(c.Scope) {
		if s == scope {
			return true
		}
	}
	return false
}

// RequireScope returns middleware that lets a request through only when its
// access token's "scope" claim holds every one of scopes; it must run after
// [New] or [Optional]. Without an authenticated request it answers 401; a
// token that lacks a scope gets 403 with
//
//	WWW-Authenticate: Bearer error="insufficient_scope", scope="<missing ones>"
//
// (RFC 6750 §3), and the body of the Auth's error renderer. It panics if a
// scope is not a valid scope token, or if none is given.
//
// The claim says what the user had when the token was issued, not now: see
// docs/scopes.md, and [Require] for a check of the user's live state.
//
//	admin := api.Group("/admin", ginjwt.RequireScope("admin:read"))
func RequireScope(scopes ...string) gin.HandlerFunc {
	want := checkRequired(scopes)
	return func(c *gin.Context) { requireScope(c, renderOf(c), want) }
}

// RequireScope is the package-level [RequireScope], answering through this
// Auth's error renderer even when no token was presented.
func (a *Auth[U]) RequireScope(scopes ...string) gin.HandlerFunc {
	want := checkRequired(scopes)
	return func(c *gin.Context) { requireScope(c, a.renderer, want) }
}

func checkRequired(scopes []string) []string {
	if len(scopes) == 0 {
		panic("ginjwt: RequireScope needs at least one scope")
	}
	for _, s := range scopes {
		if !validScopeToken(s) {
			panic(fmt.Sprintf("ginjwt: RequireScope: %q is not a scope token (printable ASCII without space, '\"' or '\\')", s))
		}
	}
	return slices.Clone(scopes)
}

func requireScope(c *gin.Context, render ErrorRenderer, want []string) {
	claims, ok := CurrentClaims(c)
	if !ok {
		renderAuthError(c, render, ErrTokenMissing)
		return
	}
	var missing []string
	for _, s := range want {
		if !claims.HasScope(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		c.Next()
		return
	}
	list := strings.Join(missing, " ")
	c.Header("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+list+`"`)
	abortWith(c, render, 403, fmt.Errorf("%w: missing scope %q", ErrForbidden, list), msgForbidden)
}
