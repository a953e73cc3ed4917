package ginjwt_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

func TestLoadEnvKeys(t *testing.T) {
	dir := t.TempDir()
	abs := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", "keys", name)); return p }
	secret := strings.Repeat("s", 40)
	oldSecret := filepath.Join(dir, "old-secret")
	require.NoError(t, os.WriteFile(oldSecret, []byte(strings.Repeat("o", 32)+"\n"), 0o600))
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a key"), 0o600))
	edKid := signingKey(t, "EdDSA").KeyID()
	rsKid := signingKey(t, "RS256").KeyID()

	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, ks ginjwt.KeySet)
		bad   string // the variable (and words) the error must name
	}{
		{"EdDSA from a PKCS#8 file", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": abs("ed25519.pem")},
			func(t *testing.T, ks ginjwt.KeySet) {
				assert.Equal(t, "EdDSA", ks.Active().Algorithm())
				assert.Equal(t, edKid, ks.Active().KeyID())
				assert.Len(t, ks.Keys(), 1)
			}, ""},
		{"a secret becomes verify-only HS256", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": abs("ed25519.pem"), "JWT_SECRET_KEY": secret},
			func(t *testing.T, ks ginjwt.KeySet) {
				require.Len(t, ks.Keys(), 2)
				assert.Equal(t, "EdDSA", ks.Active().Algorithm())
				assert.Equal(t, "HS256", ks.Keys()[1].Algorithm())
			}, ""},
		{"verify files", map[string]string{"JWT_ALGORITHM": "ES256", "JWT_PRIVATE_KEY_FILE": abs("p256-sec1.pem"),
			"JWT_VERIFY_KEY_FILES": " RS256:" + abs("rsa2048.pub.pem") + ", EdDSA:" + abs("ed25519.pem") + ",HS256:" + oldSecret + ","},
			func(t *testing.T, ks ginjwt.KeySet) {
				require.Len(t, ks.Keys(), 4)
				_, ok := ks.Lookup(rsKid)
				assert.True(t, ok)
				ed, ok := ks.Lookup(edKid)
				require.True(t, ok)
				assert.False(t, ed.CanSign(), "a private PEM in JWT_VERIFY_KEY_FILES never signs")
			}, ""},
		{"HS256 with verify files", map[string]string{"JWT_SECRET_KEY": secret, "JWT_VERIFY_KEY_FILES": "HS256:" + oldSecret},
			func(t *testing.T, ks ginjwt.KeySet) {
				assert.Equal(t, "HS256", ks.Active().Algorithm())
				assert.Len(t, ks.Keys(), 2)
			}, ""},
		{"public key as the signing key", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": abs("ed25519.pub.pem")}, nil, "JWT_PRIVATE_KEY_FILE: " + abs("ed25519.pub.pem") + ": EdDSA: an Ed25519 public key is a public key"},
		{"encrypted key", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": abs("ed25519-encrypted.pem")}, nil, "JWT_PRIVATE_KEY_FILE"},
		{"key type vs algorithm", map[string]string{"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY_FILE": abs("ed25519.pem")}, nil, "RS256 needs an RSA key"},
		{"weak RSA", map[string]string{"JWT_ALGORITHM": "PS256", "JWT_PRIVATE_KEY_FILE": abs("rsa1024.pem")}, nil, "too weak"},
		{"missing key file", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": filepath.Join(dir, "nope")}, nil, "JWT_PRIVATE_KEY_FILE"},
		{"short secret beside EdDSA", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": abs("ed25519.pem"), "JWT_SECRET_KEY": "short"}, nil, "variable JWT_SECRET_KEY: as a verify-only HS256 key"},
		{"verify entry without alg", map[string]string{"JWT_SECRET_KEY": secret, "JWT_VERIFY_KEY_FILES": abs("rsa2048.pub.pem")}, nil, "JWT_VERIFY_KEY_FILES"},
		{"verify entry unknown alg", map[string]string{"JWT_SECRET_KEY": secret, "JWT_VERIFY_KEY_FILES": "XX1:" + oldSecret}, nil, "JWT_VERIFY_KEY_FILES"},
		{"verify entry bad PEM", map[string]string{"JWT_SECRET_KEY": secret, "JWT_VERIFY_KEY_FILES": "ES256:" + garbage}, nil, "no PEM block"},
		{"one key under two algorithms", map[string]string{"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY_FILE": abs("rsa2048.pem"), "JWT_VERIFY_KEY_FILES": "PS256:" + abs("rsa2048.pub.pem")}, nil, "used twice"},
		{"a verify file repeating the active key is dropped", map[string]string{"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": abs("ed25519.pem"),
			"JWT_VERIFY_KEY_FILES": "EdDSA:" + abs("ed25519.pub.pem") + ",EdDSA:" + abs("ed25519.pem") + ",RS256:" + abs("rsa2048.pub.pem") + ",RS256:" + abs("rsa2048-pkcs1.pub.pem")},
			func(t *testing.T, ks ginjwt.KeySet) {
				require.Len(t, ks.Keys(), 2)
				assert.Equal(t, edKid, ks.Active().KeyID())
				assert.True(t, ks.Active().CanSign())
				assert.Equal(t, rsKid, ks.Keys()[1].KeyID())
			}, ""},
		{"verify files without a secret", map[string]string{"JWT_VERIFY_KEY_FILES": "HS256:" + oldSecret}, nil, "JWT_SECRET_KEY: required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			cfg := ginjwt.Config[memstore.User]{Users: memstore.New()}
			err := ginjwt.LoadEnvFrom(&cfg, lookup)
			ks, err2 := ginjwt.KeysFromEnv(lookup)
			if tc.bad != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ginjwt.ErrConfig)
				assert.Contains(t, err.Error(), "environment variable ")
				assert.Contains(t, err.Error(), tc.bad)
				assert.Equal(t, err.Error(), err2.Error(), "KeysFromEnv says the same")
				return
			}
			require.NoError(t, err)
			require.NoError(t, err2)
			assert.Nil(t, cfg.SigningKey)
			assert.Empty(t, cfg.Algorithm)
			tc.check(t, cfg.Keys)
			tc.check(t, ks)
			_, err = ginjwt.Compile(cfg)
			assert.NoError(t, err)
		})
	}
	t.Run("nothing configured", func(t *testing.T) {
		ks, err := ginjwt.KeysFromEnv(func(string) (string, bool) { return "", false })
		require.NoError(t, err)
		assert.True(t, ks.IsZero())
	})
	t.Run("HMAC only keeps the simple form", func(t *testing.T) {
		lookup := func(k string) (string, bool) {
			return map[string]string{"JWT_SECRET_KEY": secret}[k], k == "JWT_SECRET_KEY"
		}
		cfg := ginjwt.Config[memstore.User]{}
		require.NoError(t, ginjwt.LoadEnvFrom(&cfg, lookup))
		assert.Equal(t, secret, string(cfg.SigningKey))
		assert.True(t, cfg.Keys.IsZero())
		ks, err := ginjwt.KeysFromEnv(lookup)
		require.NoError(t, err)
		assert.Equal(t, must(ginjwt.NewHMACKey("HS256", []byte(secret))).KeyID(), ks.Active().KeyID())
	})
}
