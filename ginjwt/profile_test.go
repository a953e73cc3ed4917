package ginjwt_test

import (
	"strings"
	"time"

	"context"
	"github.com/gin-gonic/gin"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

func TestPatchMe(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.CacheTTL = time.Hour })
	tok := a.signin(t, "ada@example.com", "correct horse battery").AccessToken
	// The middleware caches the user: an hour, here.
	require.Equal(t, 200, do(t, a.r, "GET", "/api/profile", nil, bearer(tok)...).Code)

	w := do(t, a.r, "PATCH", "/auth/me", `{"username":" Countess.Ada ","first_name":" Ada ","last_name":"Lovelace",
		"email":"evil@example.com","password":"newpassword","is_staff":true,"is_active":false,"id":"x","unknown":1}`, bearer(tok)...)
	require.Equal(t, 200, w.Code, w.Body.String())
	var u map[string]any
	w.decode(t, &u)
	assert.Equal(t, "Countess.Ada", u["username"])
	assert.Equal(t, "Ada", u["first_name"])
	assert.Equal(t, "Lovelace", u["last_name"])
	assert.Equal(t, "Ada@Example.com", u["email"], "the email is never changed here")
	assert.Equal(t, false, u["is_staff"])
	assert.Equal(t, true, u["is_active"])
	assert.Equal(t, a.user.ID, u["id"])
	assert.NotContains(t, w.Body.String(), "password")

	stored, err := a.store.FindUserByID(context.Background(), a.user.ID)
	require.NoError(t, err)
	assert.Equal(t, a.user.PasswordHash, stored.PasswordHash)
	assert.Equal(t, "countess.ada", stored.UsernameNormalized)

	var seen memstore.User
	do(t, a.r, "GET", "/api/profile", nil, bearer(tok)...).decode(t, &seen)
	assert.Equal(t, "Lovelace", seen.LastName, "the cached user is dropped at once")
	w = do(t, a.r, "GET", "/auth/me", nil, bearer(tok)...)
	w.decode(t, &u)
	assert.Equal(t, "Countess.Ada", u["username"])

	// Only what is sent changes; null is "unchanged" too.
	w = do(t, a.r, "PATCH", "/auth/me", `{"first_name":"A.","last_name":null}`, bearer(tok)...)
	require.Equal(t, 200, w.Code)
	w.decode(t, &u)
	assert.Equal(t, "A.", u["first_name"])
	assert.Equal(t, "Lovelace", u["last_name"])
	assert.Equal(t, "Countess.Ada", u["username"])

	// A body with nothing to change answers the user as it is.
	w = do(t, a.r, "PATCH", "/auth/me", `{"email":"x@example.com"}`, bearer(tok)...)
	require.Equal(t, 200, w.Code)
	w.decode(t, &u)
	assert.Equal(t, "Ada@Example.com", u["email"])

	w = do(t, a.r, "PATCH", "/auth/me", `{"first_name":"x"}`)
	assert.Equal(t, 401, w.Code, "a token is required")
}

func TestPatchMeValidatesAndConflicts(t *testing.T) {
	a := newApp(t)
	tok := a.signin(t, "ada@example.com", "correct horse battery").AccessToken
	w := do(t, a.r, "POST", "/auth/signup", map[string]string{"email": "bob@example.com", "password": "longenough", "username": "Bob"})
	require.Equal(t, 201, w.Code)

	for name, body := range map[string]string{
		"bad username":  `{"username":"a b"}`,
		"at sign":       `{"username":"a@b"}`,
		"long name":     `{"first_name":"` + strings.Repeat("x", 151) + `"}`,
		"wrong type":    `{"first_name":5}`,
		"not json":      `{`,
		"not an object": `[]`,
	} {
		w := do(t, a.r, "PATCH", "/auth/me", body, bearer(tok)...)
		assert.Equal(t, 400, w.Code, "%s: %s", name, w.Body.String())
		assert.NotEmpty(t, w.detail(t))
	}
	for _, taken := range []string{"bob", "BOB", "ｂｏｂ"} {
		w := do(t, a.r, "PATCH", "/auth/me", map[string]string{"username": taken, "first_name": "Changed"}, bearer(tok)...)
		assert.Equal(t, 409, w.Code, taken)
		assert.Equal(t, "A user with that username already exists", w.detail(t))
	}
	u, err := a.store.FindUserByID(context.Background(), a.user.ID)
	require.NoError(t, err)
	assert.NotEqual(t, "Changed", u.FirstName, "a refused update changes nothing")

	// Taking a name, keeping it, then giving it up frees it.
	for _, body := range []string{`{"username":"ada"}`, `{"username":"ADA"}`, `{"username":""}`} {
		require.Equal(t, 200, do(t, a.r, "PATCH", "/auth/me", body, bearer(tok)...).Code, body)
	}
	w = do(t, a.r, "POST", "/auth/signup", map[string]string{"email": "eve@example.com", "password": "longenough", "username": "ada"})
	assert.Equal(t, 201, w.Code, "a username given up is free")
}

func TestProfileFieldsAreConfigurable(t *testing.T) {
	a := newApp(t, func(c *ginjwt.Config[memstore.User]) { c.ProfileFields = []string{ginjwt.FieldFirstName} })
	tok := a.signin(t, "ada@example.com", "correct horse battery").AccessToken
	w := do(t, a.r, "PATCH", "/auth/me", `{"username":"new-name","first_name":"Ada","last_name":"L"}`, bearer(tok)...)
	require.Equal(t, 200, w.Code)
	var u map[string]any
	w.decode(t, &u)
	assert.Equal(t, "Ada", u["first_name"])
	assert.Equal(t, "ada", u["username"], "a field not allowed is ignored")
	assert.Equal(t, "", u["last_name"])
	w = do(t, a.r, "PATCH", "/auth/me", `{"username":"a b"}`, bearer(tok)...)
	assert.Equal(t, 200, w.Code, "a field not allowed is not even validated")

	f := newFixture(t)
	f.cfg.ProfileFields = []string{"email"}
	_, err := ginjwt.Compile(f.cfg)
	assert.ErrorContains(t, err, "ProfileFields")
}

func TestProfileRouteNeedsAProfileUpdater(t *testing.T) {
	f := newFixture(t)
	f.cfg.Users = emailOnlyUsers{f.store}
	r := gin.New()
	ginjwt.Mount(r.Group("/auth"), f.cfg)
	tok := f.pair(t).AccessToken
	assert.Equal(t, 404, do(t, r, "PATCH", "/auth/me", `{"first_name":"x"}`, bearer(tok)...).Code)
	assert.Equal(t, 200, do(t, r, "GET", "/auth/me", nil, bearer(tok)...).Code)
}
