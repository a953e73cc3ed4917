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
	EnvVerifyKeyFiles  = "JWT_VERIFY_KEY_FILES"
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
//	JWT_ALGORITHM               Algorithm: HS256 (default), HS384, HS512, RS256…, PS256…, ES256…, EdDSA
//	JWT_PRIVATE_KEY_FILE        the PEM signing key of an asymmetric JWT_ALGORITHM
//	JWT_VERIFY_KEY_FILES        verify-only keys: comma-separated ALG:path entries
//	JWT_ISSUER, JWT_AUDIENCE    Issuer, Audience
//	JWT_ACCESS_TOKEN_LIFETIME   AccessTokenLifetime (a Go duration: 15m)
//	JWT_REFRESH_TOKEN_LIFETIME  RefreshTokenLifetime (168h)
//	JWT_LEEWAY                  Leeway (30s)
//
// With an HMAC algorithm and no JWT_VERIFY_KEY_FILES, the secret goes to
// SigningKey and Algorithm, as before key sets existed. Otherwise the keys
// go to Keys (see [KeysFromEnv]), and SigningKey and Algorithm are cleared.
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
	src, err := readKeyEnv(lookup, cfg.Algorithm)
	if err != nil {
		return err
	}
	if src.needsKeySet() {
		ks, err := src.keySet()
		if err != nil {
			return err
		}
		cfg.Keys, cfg.SigningKey, cfg.Algorithm = ks, nil, ""
	} else {
		if src.secret != nil {
			// The key's length depends on the algorithm: check it here, so
			// that the error names the variable rather than Config.SigningKey.
			if _, err := NewHMACKey(src.alg, src.secret); err != nil {
				return envErrorf(src.secretVar, "%s", keyMsg(err))
			}
			cfg.SigningKey = src.secret
		}
		if src.algSet {
			cfg.Algorithm = src.alg
		}
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

// KeysFromEnv returns the key set the environment describes, reading the
// key files again; the example server calls it on SIGHUP to rotate keys
// without a restart. With an HMAC JWT_ALGORITHM (HS256 by default) the
// active key is the secret (JWT_SECRET_KEY or JWT_SECRET_KEY_FILE); with an
// asymmetric one it is the PEM key of JWT_PRIVATE_KEY_FILE, and a secret
// given too becomes a verify-only HS256 key (how a deployment moves from
// HS256 to an asymmetric algorithm). JWT_VERIFY_KEY_FILES adds verify-only
// keys: comma-separated ALG:path entries, a PEM public or private key for
// an asymmetric ALG, the raw secret (one trailing newline dropped) for an
// HS one. It returns the zero KeySet when no key is configured at all.
// Errors match [ErrConfig] and name the variable.
func KeysFromEnv(lookup func(string) (string, bool)) (KeySet, error) {
	src, err := readKeyEnv(lookup, "")
	if err != nil || (src.secret == nil && src.privateFile == "" && src.verifyFiles == "") {
		return KeySet{}, err
	}
	return src.keySet()
}

// keyEnv is what the key variables say, before any key is built.
type keyEnv struct {
	alg         string
	algSet      bool // JWT_ALGORITHM was given
	secret      []byte
	secretVar   string // the variable that gave secret
	privateFile string
	verifyFiles string
}

func readKeyEnv(lookup func(string) (string, bool), defaultAlg string) (keyEnv, error) {
	get := func(name string) (string, bool) {
		v, ok := lookup(name)
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
	}
	var e keyEnv
	key, hasKey := lookup(EnvSecretKey)
	hasKey = hasKey && key != ""
	keyFile, hasKeyFile := get(EnvSecretKeyFile)
	switch {
	case hasKey && hasKeyFile:
		return e, envErrorf(EnvSecretKeyFile, "set only one of %s and %s", EnvSecretKey, EnvSecretKeyFile)
	case hasKey:
		e.secret, e.secretVar = []byte(key), EnvSecretKey
	case hasKeyFile:
		b, err := readSecretFile(keyFile)
		if err != nil {
			return e, envErrorf(EnvSecretKeyFile, "%v", err)
		}
		e.secret, e.secretVar = b, EnvSecretKeyFile
	}
	e.alg, e.algSet = get(EnvAlgorithm)
	if !e.algSet {
		e.alg = defaultAlg
	}
	if e.alg == "" {
		e.alg = DefaultAlgorithm
	}
	if _, err := lookupAlgorithm(e.alg); err != nil {
		return e, envErrorf(EnvAlgorithm, "%v", err)
	}
	e.privateFile, _ = get(EnvPrivateKeyFile)
	e.verifyFiles, _ = get(EnvVerifyKeyFiles)
	return e, nil
}

// needsKeySet reports whether the variables describe more than the one
// HMAC secret that SigningKey can hold.
func (e keyEnv) needsKeySet() bool {
	return IsAsymmetric(e.alg) || e.privateFile != "" || e.verifyFiles != ""
}

// keySet builds the key set, reading the key files.
func (e keyEnv) keySet() (KeySet, error) {
	var active Key
	var verify []Key
	var err error
	if !IsAsymmetric(e.alg) {
		switch {
		case e.privateFile != "":
			return KeySet{}, envErrorf(EnvPrivateKeyFile, "set with the HMAC %s=%s; an HMAC key comes from %s, a PEM key needs an asymmetric %s (RS256, ES256, EdDSA…)", EnvAlgorithm, e.alg, EnvSecretKey, EnvAlgorithm)
		case e.secret == nil:
			return KeySet{}, envErrorf(EnvSecretKey, "required for %s with %s", e.alg, EnvVerifyKeyFiles)
		}
		if active, err = NewHMACKey(e.alg, e.secret); err != nil {
			return KeySet{}, envErrorf(e.secretVar, "%s", keyMsg(err))
		}
	} else {
		if e.privateFile == "" {
			return KeySet{}, envErrorf(EnvPrivateKeyFile, "required with %s=%s: the PEM private key that signs tokens", EnvAlgorithm, e.alg)
		}
		data, err := os.ReadFile(e.privateFile)
		if err != nil {
			return KeySet{}, envErrorf(EnvPrivateKeyFile, "%v", err)
		}
		if active, err = ParseSigningKeyPEM(e.alg, data); err != nil {
			return KeySet{}, envErrorf(EnvPrivateKeyFile, "%s: %s", e.privateFile, keyMsg(err))
		}
		if e.secret != nil {
			k, err := NewHMACKey("HS256", e.secret)
			if err != nil {
				return KeySet{}, envErrorf(e.secretVar, "as a verify-only HS256 key: %s", keyMsg(err))
			}
			verify = append(verify, k)
		}
	}
	for _, entry := range strings.Split(e.verifyFiles, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		k, err := verifyKeyFile(entry)
		if err != nil {
			return KeySet{}, envErrorf(EnvVerifyKeyFiles, "%q: %v", entry, err)
		}
		verify = append(verify, k)
	}
	ks, err := NewKeySet(active, dedupe(active, verify)...)
	if err != nil {
		return KeySet{}, envErrorf(EnvVerifyKeyFiles, "%v", err)
	}
	return ks, nil
}

// dedupe drops verify-only keys that repeat an earlier key (the same kid
// and algorithm, so the same key material), so that a file-based rotation
// can name a file that holds the active key as well, as
// JWT_VERIFY_KEY_FILES=EdDSA:previous.pem,EdDSA:next.pem does between steps.
// The same kid under another algorithm is still an error.
func dedupe(active Key, verify []Key) []Key {
	seen := map[string]string{active.kid: active.Algorithm()}
	out := verify[:0:0]
	for _, k := range verify {
		if alg, ok := seen[k.kid]; ok && alg == k.Algorithm() {
			continue
		}
		seen[k.kid] = k.Algorithm()
		out = append(out, k)
	}
	return out
}

// verifyKeyFile reads one ALG:path entry of JWT_VERIFY_KEY_FILES.
func verifyKeyFile(entry string) (Key, error) {
	alg, path, ok := strings.Cut(entry, ":")
	if !ok || path == "" {
		return Key{}, errors.New("not an ALG:path entry (such as RS256:/keys/old.pem)")
	}
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return Key{}, err
	}
	if a.kind == kindHMAC {
		b, err := readSecretFile(path)
		if err != nil {
			return Key{}, err
		}
		k, err := NewHMACKey(alg, b)
		if err != nil {
			return Key{}, errors.New(keyMsg(err))
		}
		return k, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Key{}, err
	}
	k, err := ParseVerifyKeyPEM(alg, data)
	if err != nil {
		return Key{}, errors.New(keyMsg(err))
	}
	return k, nil
}

// readSecretFile reads an HMAC secret, one trailing newline dropped.
func readSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = []byte(strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"))
	if len(b) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return b, nil
}

// keyMsg is a key error's message without the package prefix, for errors
// that name an environment variable.
func keyMsg(err error) string {
	var ke *keyError
	if errors.As(err, &ke) {
		return ke.msg
	}
	return strings.TrimPrefix(err.Error(), "ginjwt: ")
}
