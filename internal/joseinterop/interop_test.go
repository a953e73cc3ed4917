package joseinterop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

var algorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// keyFile is the committed test key of alg's family (ginjwt/testdata/keys).
func keyFile(t *testing.T, alg string) []byte {
	t.Helper()
	name := map[string]string{"RS": "rsa2048.pem", "PS": "rsa2048.pem", "Ed": "ed25519.pem",
		"ES": map[string]string{"ES256": "p256.pem", "ES384": "p384.pem", "ES512": "p521.pem"}[alg]}[alg[:2]]
	b, err := os.ReadFile(filepath.Join("..", "..", "ginjwt", "testdata", "keys", name))
	require.NoError(t, err)
	return b
}

// requireNode finds node and npm and installs jose with npm ci when
// node_modules is missing.
func requireNode(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("%s is not installed: the jose interop test needs node and npm (Debian: apt-get install nodejs npm)", tool)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg + "\n  CI=true: failing instead of skipping.")
			}
			t.Skip("SKIPPING JOSE INTEROP TEST: " + msg)
		}
	}
	if _, err := os.Stat(filepath.Join("node_modules", "jose", "package.json")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm ci:\n%s", out)
}

// node runs script with in as JSON on stdin and decodes its stdout into out.
func node(t *testing.T, script string, in, out any) {
	t.Helper()
	input, err := json.Marshal(in)
	require.NoError(t, err)
	cmd := exec.Command("node", script)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	require.NoError(t, err, "node %s: %s", script, stderr.String())
	require.NoError(t, json.Unmarshal(stdout, out), "node %s wrote %q", script, stdout)
}

// service is one Auth per algorithm, its protected route and its JWKS, on
// one HTTP server: /ALG/jwks.json and /ALG/me.
type service struct {
	srv   *httptest.Server
	auths map[string]*ginjwt.Auth[memstore.User]
	keys  map[string]ginjwt.Key
	user  memstore.User
}

func newService(t *testing.T) *service {
	t.Helper()
	gin.SetMode(gin.TestMode)
	store := memstore.New()
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "jose@example.com", NormalizedEmail: "jose@example.com"})
	require.NoError(t, err)
	s := &service{auths: map[string]*ginjwt.Auth[memstore.User]{}, keys: map[string]ginjwt.Key{}, user: u}
	r := gin.New()
	for _, alg := range algorithms {
		k, err := ginjwt.ParseSigningKeyPEM(alg, keyFile(t, alg))
		require.NoError(t, err)
		a, err := ginjwt.Compile(ginjwt.Config[memstore.User]{
			Keys: ginjwt.MustNewKeySet(k), Users: store, Sessions: store,
			Issuer: "https://issuer.example", Audience: "api",
		})
		require.NoError(t, err)
		s.auths[alg], s.keys[alg] = a, k
		r.GET("/"+alg+"/jwks.json", a.JWKSHandler())
		r.GET("/"+alg+"/me", a.Middleware(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	}
	s.srv = httptest.NewServer(r)
	t.Cleanup(s.srv.Close)
	return s
}

type verdict struct {
	OK      bool           `json:"ok"`
	Error   string         `json:"error"`
	Header  map[string]any `json:"header"`
	Payload map[string]any `json:"payload"`
}

// TestJoseVerifiesOurTokens: every asymmetric algorithm's tokens verify in
// jose with the keys fetched from our JWKS handler, and a tampered one
// does not (so jose is really checking).
func TestJoseVerifiesOurTokens(t *testing.T) {
	requireNode(t)
	s := newService(t)
	type job struct {
		Alg      string `json:"alg"`
		Token    string `json:"token"`
		JWKS     string `json:"jwks"`
		Issuer   string `json:"issuer"`
		Audience string `json:"audience"`
	}
	var jobs []job
	for _, alg := range algorithms {
		pair, err := s.auths[alg].IssueTokens(context.Background(), s.user, ginjwt.Client{})
		require.NoError(t, err)
		parts := strings.Split(pair.AccessToken, ".")
		// One character of the claims changed: still base64url of the same
		// length, so only the signature can catch it.
		swap := map[byte]string{'A': "B"}[parts[1][10]]
		if swap == "" {
			swap = "A"
		}
		tampered := parts[0] + "." + parts[1][:10] + swap + parts[1][11:] + "." + parts[2]
		url := s.srv.URL + "/" + alg + "/jwks.json"
		jobs = append(jobs,
			job{alg, pair.AccessToken, url, "https://issuer.example", "api"},
			job{alg, tampered, url, "https://issuer.example", "api"})
	}
	var verdicts []verdict
	node(t, "verify.mjs", jobs, &verdicts)
	require.Len(t, verdicts, len(jobs))
	for i, j := range jobs {
		v := verdicts[i]
		if i%2 == 1 {
			assert.False(t, v.OK, "%s: jose accepted a tampered token", j.Alg)
			continue
		}
		if assert.True(t, v.OK, "%s: jose rejected our token: %s", j.Alg, v.Error) {
			assert.Equal(t, s.keys[j.Alg].KeyID(), v.Header["kid"], j.Alg)
			assert.Equal(t, s.user.ID, v.Payload["sub"], j.Alg)
			assert.Equal(t, "access", v.Payload["token_type"], j.Alg)
		}
	}
}

// TestOurMiddlewareAcceptsJoseTokens: tokens jose mints with our key, the
// at+jwt header and our claims (a fresh jti, a live sid) are accepted,
// with the kid and, the set holding one key of the algorithm, without it.
func TestOurMiddlewareAcceptsJoseTokens(t *testing.T) {
	requireNode(t)
	s := newService(t)
	type job struct {
		Alg    string         `json:"alg"`
		Kid    string         `json:"kid"`
		PEM    string         `json:"pem"`
		Claims map[string]any `json:"claims"`
	}
	var jobs []job
	now := time.Now()
	for _, alg := range algorithms {
		pair, err := s.auths[alg].IssueTokens(context.Background(), s.user, ginjwt.Client{})
		require.NoError(t, err)
		claims, err := s.auths[alg].ParseAccessToken(pair.AccessToken)
		require.NoError(t, err)
		for i, kid := range []string{s.keys[alg].KeyID(), ""} {
			jobs = append(jobs, job{alg, kid, string(keyFile(t, alg)), map[string]any{
				"sub": s.user.ID, "sid": claims.SessionID, "jti": fmt.Sprintf("jose-%s-%d", alg, i),
				"token_type": "access", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
				"iss": "https://issuer.example", "aud": "api",
			}})
		}
	}
	var tokens []string
	node(t, "mint.mjs", jobs, &tokens)
	require.Len(t, tokens, len(jobs))
	for i, j := range jobs {
		req, err := http.NewRequest(http.MethodGet, s.srv.URL+"/"+j.Alg+"/me", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tokens[i])
		resp, err := s.srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNoContent, resp.StatusCode, "%s (kid %q): our middleware rejected jose's token", j.Alg, j.Kid)

		// And not under another algorithm's key.
		other := algorithms[(indexOf(j.Alg)+1)%len(algorithms)]
		_, err = s.auths[other].ParseAccessToken(tokens[i])
		assert.Error(t, err, "%s token accepted by the %s service", j.Alg, other)
	}
}

func indexOf(alg string) int {
	for i, a := range algorithms {
		if a == alg {
			return i
		}
	}
	return -1
}
