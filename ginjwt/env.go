package ginjwt

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// The environment variables read by [LoadEnv].
const (
	EnvSecretKey       = "JWT_SECRET_KEY"
	EnvSecretKeyFile   = "JWT_SECRET_KEY_FILE"
	EnvAlgorithm       = "JWT_ALGORITHM"
	EnvPrivateKeyFile  = "JWT_PRIVATE_KEY_FILE"
	EnvIssuer          = "JWT_ISSUER"
	EnvAudience        = "JWT_AUDIENCE"
	EnvAccessLifetime  = "JWT_ACCESS_TOKEN_LIFETIME"
	EnvRefreshLifetime = "JWT_REFRESH_TOKEN_LIFETIME"
	EnvLeeway          = "JWT_LEEWAY"
)

// LoadEnv fills the token settings of cfg from the environment, leaving
// fields whose variable is unset as they are:
//
//	JWT_SECRET_KEY              SigningKey (the raw bytes of the string)
//	JWT_SECRET_KEY_FILE         SigningKey, read from a file (one trailing newline dropped)
//	JWT_ALGORITHM               Algorithm
//	JWT_PRIVATE_KEY_FILE        a PEM key for asymmetric algorithms (not supported yet: an error)
//	JWT_ISSUER, JWT_AUDIENCE    Issuer, Audience
//	JWT_ACCESS_TOKEN_LIFETIME   AccessTokenLifetime (a Go duration: 15m)
//	JWT_REFRESH_TOKEN_LIFETIME  RefreshTokenLifetime (168h)
//	JWT_LEEWAY                  Leeway (30s)
//
// Errors match [ErrConfig] and name the variable. The values are checked
// again, with the rest of cfg, by [Compile].
func LoadEnv[U User](cfg *Config[U]) error {
	return LoadEnvFrom(cfg, os.LookupEnv)
}

// LoadEnvFrom is [LoadEnv] reading variables through lookup.
func LoadEnvFrom[U User](cfg *Config[U], lookup func(string) (string, bool)) error {
	get := func(name string) (string, bool) {
		v, ok := lookup(name)
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
	}
	key, hasKey := lookup(EnvSecretKey)
	keyFile, hasKeyFile := get(EnvSecretKeyFile)
	switch {
	case hasKey && key != "" && hasKeyFile:
		return envErrorf(EnvSecretKeyFile, "set only one of %s and %s", EnvSecretKey, EnvSecretKeyFile)
	case hasKey && key != "":
		cfg.SigningKey = []byte(key)
	case hasKeyFile:
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return envErrorf(EnvSecretKeyFile, "%v", err)
		}
		b = []byte(strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"))
		if len(b) == 0 {
			return envErrorf(EnvSecretKeyFile, "%s is empty", keyFile)
		}
		cfg.SigningKey = b
	}
	if v, ok := get(EnvAlgorithm); ok {
		if _, err := resolveAlgorithm(v, make([]byte, 64)); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) {
				err = errors.New(ce.Msg)
			}
			return envErrorf(EnvAlgorithm, "%v", err)
		}
		cfg.Algorithm = v
	}
	keyVar := EnvSecretKeyFile
	if hasKey && key != "" {
		keyVar = EnvSecretKey
	}
	if (hasKey && key != "") || hasKeyFile {
		// The key's length depends on the algorithm: check it here, so that
		// the error names the variable rather than Config.SigningKey.
		if _, err := resolveAlgorithm(cfg.Algorithm, cfg.SigningKey); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) && ce.Field == "SigningKey" {
				return envErrorf(keyVar, "%s", ce.Msg)
			}
		}
	}
	if _, ok := get(EnvPrivateKeyFile); ok {
		return envErrorf(EnvPrivateKeyFile, "asymmetric keys are not supported yet; use %s with HS256, HS384 or HS512", EnvSecretKey)
	}
	if v, ok := get(EnvIssuer); ok {
		cfg.Issuer = v
	}
	if v, ok := get(EnvAudience); ok {
		cfg.Audience = v
	}
	for _, d := range []struct {
		name   string
		field  *time.Duration
		zeroOK bool
	}{
		{EnvAccessLifetime, &cfg.AccessTokenLifetime, false},
		{EnvRefreshLifetime, &cfg.RefreshTokenLifetime, false},
		{EnvLeeway, &cfg.Leeway, true},
	} {
		v, ok := get(d.name)
		if !ok {
			continue
		}
		dur, err := time.ParseDuration(v)
		switch {
		case err != nil:
			return envErrorf(d.name, "%q is not a duration such as 15m, 168h or 30s", v)
		case dur < 0 || (dur == 0 && !d.zeroOK):
			return envErrorf(d.name, "must be positive, got %s", v)
		case dur == 0:
			dur = -1 // Leeway: an explicit zero means none
		}
		*d.field = dur
	}
	return nil
}

func envErrorf(name, format string, args ...any) error {
	return &ConfigError{Field: name, Msg: fmt.Sprintf(format, args...), env: true}
}
