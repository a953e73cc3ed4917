package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openssl makes a key the way the docs tell operators to:
// openssl genpkey -algorithm ed25519 -out path. Without openssl the test
// skips loudly, except under CI=true.
func openssl(t *testing.T, path string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl is not installed; CI=true: failing instead of skipping")
		}
		t.Skip("SKIPPING: openssl is not installed (the key files are made with it, as docs/keys.md says)")
	}
	out, err := exec.Command("openssl", append([]string{"genpkey"}, append(args, "-out", path)...)...).CombinedOutput()
	require.NoError(t, err, "openssl: %s", out)
}

func ed25519Key(t *testing.T, path string) { openssl(t, path, "-algorithm", "ed25519") }

// header decodes a token's JOSE header.
func header(t *testing.T, token string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	require.NoError(t, err)
	var h map[string]any
	require.NoError(t, json.Unmarshal(b, &h))
	return h
}

func jwks(t *testing.T, c client) (int, map[string]string) {
	t.Helper()
	code, hdr, body, _ := c.do("GET", "/.well-known/jwks.json", "", "")
	kids := map[string]string{}
	if code == 200 {
		assert.Equal(t, "application/jwk-set+json", hdr.Get("Content-Type"))
		assert.Contains(t, hdr.Get("Cache-Control"), "max-age=")
		for _, k := range body["keys"].([]any) {
			m := k.(map[string]any)
			kids[m["kid"].(string)] = m["alg"].(string)
			assert.NotContains(t, m, "d", "never a private member")
		}
	}
	return code, kids
}

func signin(t *testing.T, c client, email string) string {
	t.Helper()
	code, _, _, raw := c.do("POST", "/auth/signup", `{"email":"`+email+`","password":"correct horse battery"}`, "")
	require.Contains(t, []int{201, 409}, code, raw)
	code, _, pair, raw := c.do("POST", "/auth/signin", `{"email":"`+email+`","password":"correct horse battery"}`, "")
	require.Equal(t, 200, code, raw)
	return pair["access_token"].(string)
}

// TestEdDSAKeyFile runs the whole contract with JWT_ALGORITHM=EdDSA and a
// PKCS#8 key made by openssl genpkey -algorithm ed25519, as the spec says.
func TestEdDSAKeyFile(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "ed25519.pem")
	ed25519Key(t, key)
	srv := startApp(t, "sqlite://"+filepath.Join(dir, "example.db"), env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", key))
	contract(t, srv)

	c := client{t, srv}
	tok := signin(t, c, "ed@example.com")
	h := header(t, tok)
	assert.Equal(t, "EdDSA", h["alg"])
	code, kids := jwks(t, c)
	require.Equal(t, 200, code)
	assert.Equal(t, map[string]string{h["kid"].(string): "EdDSA"}, kids)
}

func TestJWKSIs404ForHMAC(t *testing.T) {
	srv := startApp(t, "sqlite://"+filepath.Join(t.TempDir(), "example.db"), env("JWT_SECRET_KEY", testSecret))
	code, _, body, _ := client{t, srv}.do("GET", "/.well-known/jwks.json", "", "")
	assert.Equal(t, 404, code)
	assert.NotEmpty(t, body["detail"])
}

func TestKeyStartupErrors(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "x.db")
	key := filepath.Join(dir, "ed25519.pem")
	ed25519Key(t, key)
	pub := filepath.Join(dir, "pub.pem")
	out, err := exec.Command("openssl", "pkey", "-in", key, "-pubout", "-out", pub).CombinedOutput()
	require.NoError(t, err, "%s", out)
	for name, tc := range map[string]struct {
		lookup func(string) (string, bool)
		want   string
	}{
		"public key to sign":   {env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", pub), "JWT_PRIVATE_KEY_FILE"},
		"key type vs alg":      {env("JWT_ALGORITHM", "ES256", "JWT_PRIVATE_KEY_FILE", key), "ES256 needs an ECDSA key"},
		"bad verify entry":     {env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", key, "JWT_VERIFY_KEY_FILES", "EdDSA"), "JWT_VERIFY_KEY_FILES"},
		"missing verify file":  {env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", key, "JWT_VERIFY_KEY_FILES", "EdDSA:"+filepath.Join(dir, "nope")), "JWT_VERIFY_KEY_FILES"},
		"short verify secret":  {env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", key, "JWT_SECRET_KEY", "short"), "JWT_SECRET_KEY"},
		"key file with HS256":  {env("JWT_PRIVATE_KEY_FILE", key), "JWT_PRIVATE_KEY_FILE"},
		"unknown verify alg":   {env("JWT_SECRET_KEY", testSecret, "JWT_VERIFY_KEY_FILES", "XS256:"+key), "JWT_VERIFY_KEY_FILES"},
		"asymmetric, no file ": {env("JWT_ALGORITHM", "PS256"), "JWT_PRIVATE_KEY_FILE"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newApp(context.Background(), appOptions{DB: db, Lookup: tc.lookup, Logger: quiet})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "environment variable ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestMigrationFromHS256 restarts a deployment from HS256 onto EdDSA with
// the old secret verify-only: tokens issued before keep working.
func TestMigrationFromHS256(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "example.db")
	key := filepath.Join(dir, "ed25519.pem")
	ed25519Key(t, key)

	before := startApp(t, db, env("JWT_SECRET_KEY", testSecret))
	old := signin(t, client{t, before}, "mig@example.com")
	assert.Equal(t, "HS256", header(t, old)["alg"])

	after := startApp(t, db, env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", key, "JWT_SECRET_KEY", testSecret))
	c := client{t, after}
	code, _, _, raw := c.do("GET", "/api/profile", "", old)
	assert.Equal(t, 200, code, "an HS256 token from before the migration: %s", raw)
	fresh := signin(t, c, "mig@example.com")
	assert.Equal(t, "EdDSA", header(t, fresh)["alg"])
	_, kids := jwks(t, c)
	assert.Len(t, kids, 1, "the HMAC secret is never published")

	// Once the secret is dropped, the HS256 tokens stop.
	final := startApp(t, db, env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", key))
	code, _, _, _ = client{t, final}.do("GET", "/api/profile", "", old)
	assert.Equal(t, 401, code)
	code, _, _, _ = client{t, final}.do("GET", "/api/profile", "", fresh)
	assert.Equal(t, 200, code)
}

// logBuffer is a logger whose output the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }

// rotationApp is an EdDSA app whose env names three key files, as
// docs/keys.md's file-based rotation does.
type rotationApp struct {
	app                    *app
	c                      client
	active, previous, next string
	log                    *logBuffer
}

func newRotationApp(t *testing.T) *rotationApp {
	t.Helper()
	dir := t.TempDir()
	r := &rotationApp{active: filepath.Join(dir, "active.pem"), previous: filepath.Join(dir, "previous.pem"),
		next: filepath.Join(dir, "next.pem"), log: &logBuffer{}}
	ed25519Key(t, r.active)
	copyFile(t, r.active, r.previous)
	copyFile(t, r.active, r.next)
	a, err := newApp(context.Background(), appOptions{
		DB: "sqlite://" + filepath.Join(dir, "example.db"),
		Lookup: env("JWT_ALGORITHM", "EdDSA", "JWT_PRIVATE_KEY_FILE", r.active,
			"JWT_VERIFY_KEY_FILES", "EdDSA:"+r.previous+",EdDSA:"+r.next),
		Logger: slog.New(slog.NewTextHandler(r.log, nil)),
	})
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })
	r.app, r.c = a, client{t, srv}
	return r
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

// TestRotationByReload walks docs/keys.md's procedure through the reload
// that SIGHUP runs: publish, activate, retire; and a bad file changes nothing.
func TestRotationByReload(t *testing.T) {
	r := newRotationApp(t)
	c := r.c
	tokA := signin(t, c, "rot@example.com")
	kidA := header(t, tokA)["kid"].(string)
	_, kids := jwks(t, c)
	assert.Equal(t, map[string]string{kidA: "EdDSA"}, kids, "three files, one key")

	// 1. Publish the new key as verify-only.
	ed25519Key(t, r.next)
	require.NoError(t, r.app.Reload())
	_, kids = jwks(t, c)
	require.Len(t, kids, 2)
	assert.Equal(t, kidA, header(t, signin(t, c, "rot@example.com"))["kid"], "still signing with the old key")

	// 2. Make it active; the old key stays verify-only.
	copyFile(t, r.active, r.previous)
	copyFile(t, r.next, r.active)
	require.NoError(t, r.app.Reload())
	tokB := signin(t, c, "rot@example.com")
	kidB := header(t, tokB)["kid"].(string)
	assert.NotEqual(t, kidA, kidB)
	code, _, _, _ := c.do("GET", "/api/profile", "", tokA)
	assert.Equal(t, 200, code, "a token signed before the rotation")

	// 3. Retire the old key: its tokens stop at once.
	copyFile(t, r.active, r.previous)
	require.NoError(t, r.app.Reload())
	_, kids = jwks(t, c)
	assert.Equal(t, map[string]string{kidB: "EdDSA"}, kids)
	code, _, _, _ = c.do("GET", "/api/profile", "", tokA)
	assert.Equal(t, 401, code, "the removed key verifies nothing")
	code, _, _, _ = c.do("GET", "/api/profile", "", tokB)
	assert.Equal(t, 200, code)

	// A bad file keeps the old set.
	require.NoError(t, os.WriteFile(r.active, []byte("garbage"), 0o600))
	err := r.app.Reload()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "JWT_PRIVATE_KEY_FILE")
	code, _, _, _ = c.do("GET", "/api/profile", "", tokB)
	assert.Equal(t, 200, code)
	assert.Equal(t, kidB, header(t, signin(t, c, "rot@example.com"))["kid"])
}

// TestSIGHUP sends a real SIGHUP to this process: the watcher reloads the
// key files, and a failed reload is logged with its reason.
func TestSIGHUP(t *testing.T) {
	r := newRotationApp(t)
	results := make(chan error, 1)
	stop := watchReload(r.app, slog.New(slog.NewTextHandler(r.log, nil)), func(err error) { results <- err })
	defer stop()
	hup := func() error {
		t.Helper()
		require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
		select {
		case err := <-results:
			return err
		case <-time.After(30 * time.Second): // a hang guard, not a timing assertion
			t.Fatal("no reload after SIGHUP")
			return nil
		}
	}

	ed25519Key(t, r.next)
	require.NoError(t, hup())
	_, kids := jwks(t, r.c)
	assert.Len(t, kids, 2, "the new key is published after SIGHUP")
	assert.Contains(t, r.log.String(), "key set reloaded")

	require.NoError(t, os.WriteFile(r.next, []byte("garbage"), 0o600))
	require.Error(t, hup())
	assert.Contains(t, r.log.String(), "key reload failed; the old key set stays")
	assert.Contains(t, r.log.String(), "JWT_VERIFY_KEY_FILES")
	_, kids = jwks(t, r.c)
	assert.Len(t, kids, 2, "unchanged")
}
