package ginjwt_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// allAlgorithms are the algorithms ginjwt offers; asymmetricAlgorithms the
// public-key ones.
var (
	allAlgorithms        = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
	asymmetricAlgorithms = allAlgorithms[3:]
)

// keyFile reads a committed test key (see testdata/keys/README.md).
func keyFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "keys", name))
	require.NoError(t, err)
	return b
}

// keyFileFor names the committed key for alg's family.
func keyFileFor(alg string) string {
	switch alg[:2] {
	case "RS", "PS":
		return "rsa2048.pem"
	case "ES":
		return map[string]string{"ES256": "p256.pem", "ES384": "p384.pem", "ES512": "p521.pem"}[alg]
	}
	return "ed25519.pem"
}

// signingKey is a signing key for alg: a committed PEM key, or for HS* a
// fixed secret of the minimum length.
func signingKey(t testing.TB, alg string) ginjwt.Key {
	t.Helper()
	if alg[:2] == "HS" {
		n := map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}[alg]
		k, err := ginjwt.NewHMACKey(alg, bytes.Repeat([]byte{'h'}, n))
		require.NoError(t, err)
		return k
	}
	k, err := ginjwt.ParseSigningKeyPEM(alg, keyFile(t, keyFileFor(alg)))
	require.NoError(t, err)
	return k
}

// keyFixture is a fixture whose Config signs with ks.
func keyFixture(t *testing.T, ks ginjwt.KeySet) *fixture {
	t.Helper()
	f := newFixture(t)
	f.cfg.SigningKey = nil
	f.cfg.Keys = ks
	return f
}

// accessToken signs in the fixture's user through a and returns the
// access token.
func accessToken(t *testing.T, a *ginjwt.Auth[memstore.User], f *fixture) string {
	t.Helper()
	p, err := a.IssueTokens(context.Background(), f.user, ginjwt.Client{UserAgent: "test", IP: "127.0.0.1"})
	require.NoError(t, err)
	return p.AccessToken
}
