package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/internal/oapiclient"
)

var update = flag.Bool("update", false, "rewrite the generated client and its document (make openapi-client)")

// oapiCodegen is the generator of internal/oapiclient, run with go run
// at a fixed version: it builds with its own dependencies, not this
// module's, so the output does not move when ours do.
const oapiCodegen = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2"

// clientDir holds the client, outside example/ so that the compiled
// snippet of docs/openapi.md can import it too.
const clientDir = "../internal/oapiclient"

// servedDocument is the document the example serves in header mode,
// indented as it is committed.
func servedDocument(t *testing.T) []byte {
	t.Helper()
	db := "sqlite://" + filepath.Join(t.TempDir(), "openapi.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret))
	resp, err := srv.Client().Get(srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	b, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// The committed client follows the document the example serves: its
// copy of the document is the served one, and oapi-codegen makes the
// committed client from it. With -update both are rewritten.
func TestGeneratedClientIsCurrent(t *testing.T) {
	docPath := filepath.Join(clientDir, "openapi.json")
	t.Run("document", func(t *testing.T) {
		served := servedDocument(t)
		if *update {
			require.NoError(t, os.WriteFile(docPath, served, 0o644))
			return
		}
		committed, err := os.ReadFile(docPath)
		require.NoError(t, err)
		if !bytes.Equal(committed, served) {
			t.Errorf("%s is not the document the example serves; run make openapi-client", docPath)
		}
	})
	t.Run("client", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds and runs oapi-codegen: not in -short")
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			t.Skip("no go command on PATH")
		}
		cfg, err := filepath.Abs(filepath.Join(clientDir, "oapi-codegen.yaml"))
		require.NoError(t, err)
		doc, err := filepath.Abs(docPath)
		require.NoError(t, err)
		out := t.TempDir() // the configuration's output is relative to it
		if *update {
			out = clientDir
		}
		cmd := exec.Command(goBin, "run", oapiCodegen, "-config", cfg, doc)
		cmd.Dir = out
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go run %s: %v\n%s", oapiCodegen, err, b)
		}
		if *update {
			return
		}
		want, err := os.ReadFile(filepath.Join(out, "client.gen.go"))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(clientDir, "client.gen.go"))
		require.NoError(t, err)
		if !bytes.Equal(got, want) {
			t.Errorf("%s/client.gen.go is not what oapi-codegen makes of %s; run make openapi-client", clientDir, docPath)
		}
	})
}

// The generated client and its runtime are for the tests: the server's
// build leaves them out.
func TestServerBuildLeavesTheClientOut(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/oapi-codegen/") || dep == "github.com/ginjwt/ginjwt/internal/oapiclient" {
			t.Errorf("the example server depends on %s", dep)
		}
	}
}

func bearerAuth(token string) oapiclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// A client generated from the document signs up, signs in and reads the
// signed-in user, with typed requests and typed answers, errors included.
func TestGeneratedClient(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "client.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret))
	c, err := oapiclient.NewClientWithResponses(srv.URL, oapiclient.WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	ctx := t.Context()
	const email, pw = "client@example.com", "correct horse battery"

	first := "Ada"
	up, err := c.AuthSignUpWithResponse(ctx, oapiclient.AuthSignupRequest{Email: email, Password: pw, FirstName: &first})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, up.StatusCode(), "%s", up.Body)
	require.NotNil(t, up.JSON201)
	user := *up.JSON201
	assert.NotEmpty(t, user.Id)
	assert.Equal(t, email, user.Email)
	assert.Equal(t, "Ada", user.FirstName)
	assert.True(t, user.IsActive)
	assert.Nil(t, user.LastLogin, "never signed in: null")

	again, err := c.AuthSignUpWithResponse(ctx, oapiclient.AuthSignupRequest{Email: email, Password: pw})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, again.StatusCode())
	require.NotNil(t, again.JSON409)
	assert.NotEmpty(t, again.JSON409.Detail)

	wrong, err := c.AuthSignInWithResponse(ctx, oapiclient.AuthSignInJSONRequestBody{Email: email, Password: "wrong password"})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, wrong.StatusCode())
	require.NotNil(t, wrong.JSON401)

	in, err := c.AuthSignInWithResponse(ctx, oapiclient.AuthSignInJSONRequestBody{Email: email, Password: pw})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, in.StatusCode(), "%s", in.Body)
	require.NotNil(t, in.JSON200)
	pair := *in.JSON200
	assert.Equal(t, oapiclient.Bearer, pair.TokenType)
	assert.Equal(t, 900, pair.ExpiresIn)
	assert.NotEmpty(t, pair.AccessToken)
	assert.NotEmpty(t, pair.RefreshToken)

	me, err := c.AuthGetMeWithResponse(ctx, bearerAuth(pair.AccessToken))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, me.StatusCode(), "%s", me.Body)
	require.NotNil(t, me.JSON200)
	assert.Equal(t, user.Id, me.JSON200.Id)
	assert.Equal(t, "Ada", me.JSON200.FirstName)
	require.NotNil(t, me.JSON200.LastLogin, "signed in: a time")
	assert.False(t, me.JSON200.LastLogin.IsZero())

	anon, err := c.AuthGetMeWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, anon.StatusCode())
	require.NotNil(t, anon.JSON401)
	assert.Equal(t, "Authorization header missing", anon.JSON401.Detail)
	assert.Equal(t, "Bearer", anon.HTTPResponse.Header.Get("WWW-Authenticate"))

	// The declared headers are typed too: the throttle's Retry-After.
	var throttled *oapiclient.AuthSignInResponse
	for range 11 {
		throttled, err = c.AuthSignInWithResponse(ctx, oapiclient.AuthSignInJSONRequestBody{Email: email, Password: "wrong password"})
		require.NoError(t, err)
		if throttled.StatusCode() != http.StatusUnauthorized {
			break
		}
	}
	require.Equal(t, http.StatusTooManyRequests, throttled.StatusCode(), "%s", throttled.Body)
	require.NotNil(t, throttled.Headers429)
	assert.Positive(t, throttled.Headers429.RetryAfter)

	// The path parameter of DELETE /auth/sessions/{id} goes through the
	// generated client too.
	list, err := c.AuthListSessionsWithResponse(ctx, bearerAuth(pair.AccessToken))
	require.NoError(t, err)
	require.NotNil(t, list.JSON200, "%s", list.Body)
	require.Len(t, *list.JSON200, 1)
	assert.True(t, (*list.JSON200)[0].Current)
	gone, err := c.AuthDeleteSessionWithResponse(ctx, (*list.JSON200)[0].Id, bearerAuth(pair.AccessToken))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, gone.StatusCode())
	after, err := c.AuthGetMeWithResponse(ctx, bearerAuth(pair.AccessToken))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, after.StatusCode(), "the session ended")
}
