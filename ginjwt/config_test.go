package ginjwt_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

func TestConfigValidation(t *testing.T) {
	store := memstore.New()
	base := func() ginjwt.Config[memstore.User] {
		return ginjwt.Config[memstore.User]{SigningKey: make([]byte, 64), Users: store}
	}
	tests := []struct {
		name   string
		change func(*ginjwt.Config[memstore.User])
		field  string // "" means valid
	}{
		{"defaults", func(*ginjwt.Config[memstore.User]) {}, ""},
		{"no users", func(c *ginjwt.Config[memstore.User]) { c.Users = nil }, "Users"},
		{"no key", func(c *ginjwt.Config[memstore.User]) { c.SigningKey = nil }, "SigningKey"},
		{"HS256 31 bytes", func(c *ginjwt.Config[memstore.User]) { c.SigningKey = make([]byte, 31) }, "SigningKey"},
		{"HS256 32 bytes", func(c *ginjwt.Config[memstore.User]) { c.SigningKey = make([]byte, 32) }, ""},
		{"HS384 47 bytes", func(c *ginjwt.Config[memstore.User]) { c.Algorithm, c.SigningKey = "HS384", make([]byte, 47) }, "SigningKey"},
		{"HS384 48 bytes", func(c *ginjwt.Config[memstore.User]) { c.Algorithm, c.SigningKey = "HS384", make([]byte, 48) }, ""},
		{"HS512 63 bytes", func(c *ginjwt.Config[memstore.User]) { c.Algorithm, c.SigningKey = "HS512", make([]byte, 63) }, "SigningKey"},
		{"HS512 64 bytes", func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "HS512" }, ""},
		{"none", func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "none" }, "Algorithm"},
		{"NoNe", func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "NoNe" }, "Algorithm"},
		{"unknown", func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "HS257" }, "Algorithm"},
		{"lower-case hs256", func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "hs256" }, "Algorithm"},
		{"RS256 through SigningKey", func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "RS256" }, "Algorithm"},
		{"negative lifetime", func(c *ginjwt.Config[memstore.User]) { c.AccessTokenLifetime = -time.Minute }, "AccessTokenLifetime"},
		{"negative refresh", func(c *ginjwt.Config[memstore.User]) { c.RefreshTokenLifetime = -time.Minute }, "RefreshTokenLifetime"},
		{"negative max token", func(c *ginjwt.Config[memstore.User]) { c.MaxTokenBytes = -1 }, "MaxTokenBytes"},
		{"scheme with a space", func(c *ginjwt.Config[memstore.User]) { c.Schemes = []string{"Bear er"} }, "Schemes"},
		{"public path without slash", func(c *ginjwt.Config[memstore.User]) { c.PublicPaths = []string{"health"} }, "PublicPaths"},
		{"route path without slash", func(c *ginjwt.Config[memstore.User]) { c.Paths.Signin = "login" }, "Paths.Signin"},
		{"negative grace", func(c *ginjwt.Config[memstore.User]) { c.RefreshReuseGrace = -1 }, "RefreshReuseGrace"},
		{"negative body cap", func(c *ginjwt.Config[memstore.User]) { c.MaxBodyBytes = -1 }, "MaxBodyBytes"},
		{"issuer with spaces", func(c *ginjwt.Config[memstore.User]) { c.Issuer = " me " }, "Issuer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base()
			tc.change(&cfg)
			_, err := ginjwt.Compile(cfg)
			if tc.field == "" {
				require.NoError(t, err)
				assert.NotPanics(t, func() { ginjwt.New(cfg) })
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ginjwt.ErrConfig)
			var ce *ginjwt.ConfigError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, tc.field, ce.Field)
			assert.Contains(t, err.Error(), "Config."+tc.field)
			assert.PanicsWithValue(t, err.Error(), func() { ginjwt.New(cfg) }, "New panics with a message naming the field")
		})
	}
}

func TestCompileCopiesTheKey(t *testing.T) {
	f := newFixture(t)
	key := append([]byte(nil), testKey...)
	f.cfg.SigningKey = key
	a := ginjwt.MustCompile(f.cfg)
	tok := f.pair(t).AccessToken
	key[0] ^= 0xff // a caller reusing its buffer must not change a running Auth
	_, err := a.ParseAccessToken(tok)
	assert.NoError(t, err)
}

func TestLoadEnv(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	require.NoError(t, os.WriteFile(keyFile, []byte(strings.Repeat("k", 48)+"\n"), 0o600))
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c ginjwt.Config[memstore.User])
		bad   string // the variable the error must name
	}{
		{"nothing set", map[string]string{}, func(t *testing.T, c ginjwt.Config[memstore.User]) {
			assert.Nil(t, c.SigningKey)
			assert.Zero(t, c.AccessTokenLifetime)
		}, ""},
		{"everything", map[string]string{
			"JWT_SECRET_KEY": strings.Repeat("s", 64), "JWT_ALGORITHM": "HS512", "JWT_ISSUER": "iss", "JWT_AUDIENCE": "aud",
			"JWT_ACCESS_TOKEN_LIFETIME": "5m", "JWT_REFRESH_TOKEN_LIFETIME": "24h", "JWT_LEEWAY": "10s",
		}, func(t *testing.T, c ginjwt.Config[memstore.User]) {
			assert.Equal(t, strings.Repeat("s", 64), string(c.SigningKey))
			assert.Equal(t, "HS512", c.Algorithm)
			assert.Equal(t, "iss", c.Issuer)
			assert.Equal(t, "aud", c.Audience)
			assert.Equal(t, 5*time.Minute, c.AccessTokenLifetime)
			assert.Equal(t, 24*time.Hour, c.RefreshTokenLifetime)
			assert.Equal(t, 10*time.Second, c.Leeway)
			_, err := ginjwt.Compile(c)
			assert.NoError(t, err)
		}, ""},
		{"key file", map[string]string{"JWT_SECRET_KEY_FILE": keyFile, "JWT_ALGORITHM": "HS384"}, func(t *testing.T, c ginjwt.Config[memstore.User]) {
			assert.Equal(t, strings.Repeat("k", 48), string(c.SigningKey), "one trailing newline dropped")
		}, ""},
		{"zero leeway means none", map[string]string{"JWT_LEEWAY": "0s"}, func(t *testing.T, c ginjwt.Config[memstore.User]) {
			assert.Negative(t, c.Leeway)
		}, ""},
		{"bad lifetime", map[string]string{"JWT_ACCESS_TOKEN_LIFETIME": "fifteen"}, nil, "JWT_ACCESS_TOKEN_LIFETIME"},
		{"negative refresh", map[string]string{"JWT_REFRESH_TOKEN_LIFETIME": "-1h"}, nil, "JWT_REFRESH_TOKEN_LIFETIME"},
		{"zero access", map[string]string{"JWT_ACCESS_TOKEN_LIFETIME": "0"}, nil, "JWT_ACCESS_TOKEN_LIFETIME"},
		{"bad leeway", map[string]string{"JWT_LEEWAY": "1 minute"}, nil, "JWT_LEEWAY"},
		{"unknown algorithm", map[string]string{"JWT_ALGORITHM": "HS1024"}, nil, "JWT_ALGORITHM"},
		{"alg none", map[string]string{"JWT_ALGORITHM": "none"}, nil, "JWT_ALGORITHM"},
		{"asymmetric without a key file", map[string]string{"JWT_ALGORITHM": "ES256"}, nil, "variable JWT_PRIVATE_KEY_FILE: required"},
		{"private key file with HMAC", map[string]string{"JWT_PRIVATE_KEY_FILE": keyFile}, nil, "variable JWT_PRIVATE_KEY_FILE"},
		{"missing key file", map[string]string{"JWT_SECRET_KEY_FILE": filepath.Join(dir, "nope")}, nil, "JWT_SECRET_KEY_FILE"},
		{"both key and file", map[string]string{"JWT_SECRET_KEY": "x", "JWT_SECRET_KEY_FILE": keyFile}, nil, "JWT_SECRET_KEY_FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ginjwt.Config[memstore.User]{Users: memstore.New()}
			err := ginjwt.LoadEnvFrom(&cfg, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.bad != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ginjwt.ErrConfig)
				assert.Contains(t, err.Error(), tc.bad)
				return
			}
			require.NoError(t, err)
			tc.check(t, cfg)
		})
	}
}

func TestLoadEnvReadsTheProcessEnvironment(t *testing.T) {
	t.Setenv("JWT_ISSUER", "from-env")
	cfg := ginjwt.Config[memstore.User]{}
	require.NoError(t, ginjwt.LoadEnv(&cfg))
	assert.Equal(t, "from-env", cfg.Issuer)
}

func TestLoadEnvChecksTheKeyLengthForTheAlgorithm(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"short for HS256":       {map[string]string{"JWT_SECRET_KEY": "short"}, "JWT_SECRET_KEY"},
		"short for HS512":       {map[string]string{"JWT_SECRET_KEY": strings.Repeat("k", 48), "JWT_ALGORITHM": "HS512"}, "JWT_SECRET_KEY"},
		"long enough for HS384": {map[string]string{"JWT_SECRET_KEY": strings.Repeat("k", 48), "JWT_ALGORITHM": "HS384"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := ginjwt.Config[memstore.User]{}
			err := ginjwt.LoadEnvFrom(&cfg, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "environment variable "+tc.want)
		})
	}
}
