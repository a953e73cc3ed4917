package ginjwt

import (
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// hmacMethods maps the supported algorithm names to golang-jwt's methods and
// the minimum key length in bytes (the hash output size, RFC 7518 §3.2).
var hmacMethods = map[string]struct {
	method *jwt.SigningMethodHMAC
	minKey int
}{
	"HS256": {jwt.SigningMethodHS256, 32},
	"HS384": {jwt.SigningMethodHS384, 48},
	"HS512": {jwt.SigningMethodHS512, 64},
}

// asymmetric names algorithms that are recognised but not supported yet.
var asymmetric = map[string]bool{
	"RS256": true, "RS384": true, "RS512": true,
	"PS256": true, "PS384": true, "PS512": true,
	"ES256": true, "ES384": true, "ES512": true,
	"EdDSA": true,
}

// resolveAlgorithm checks alg and key and returns the signing method.
func resolveAlgorithm(alg string, key []byte) (jwt.SigningMethod, error) {
	if alg == "" {
		alg = DefaultAlgorithm
	}
	m, ok := hmacMethods[alg]
	switch {
	case ok:
	case asymmetric[alg]:
		return nil, configErrorf("Algorithm", "%s is recognised but asymmetric key support is not available yet; use HS256, HS384 or HS512", alg)
	case strings.EqualFold(alg, "none"):
		return nil, configErrorf("Algorithm", "%q is never allowed", alg)
	default:
		return nil, configErrorf("Algorithm", "unknown algorithm %q (supported: HS256, HS384, HS512)", alg)
	}
	if len(key) == 0 {
		return nil, configErrorf("SigningKey", "required for %s", alg)
	}
	if len(key) < m.minKey {
		return nil, configErrorf("SigningKey", "%d bytes is too short: %s needs at least %d (the hash output size)", len(key), alg, m.minKey)
	}
	return m.method, nil
}
