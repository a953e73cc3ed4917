package ginjwt

import (
	"crypto/elliptic"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// keyKind is the family of key an algorithm takes.
type keyKind int

const (
	kindHMAC keyKind = iota
	kindRSA
	kindEC
	kindEd25519
)

func (k keyKind) String() string {
	switch k {
	case kindHMAC:
		return "an HMAC secret"
	case kindRSA:
		return "an RSA key"
	case kindEC:
		return "an ECDSA key"
	}
	return "an Ed25519 key"
}

// algorithm is one JWS algorithm ginjwt offers: its key family, the method
// that signs and verifies with it, and what its keys must satisfy.
type algorithm struct {
	name   string
	kind   keyKind
	method jwt.SigningMethod
	minKey int            // HMAC: the minimum secret length in bytes (the hash output size, RFC 7518 §3.2)
	curve  elliptic.Curve // ECDSA: the one curve the algorithm names (RFC 7518 §3.4)
}

// minRSABits is the smallest RSA modulus accepted (RFC 7518 §3.3 and §3.5).
const minRSABits = 2048

// algorithms maps every supported "alg" to its definition. PS* use ginjwt's
// own method, which verifies with the salt length fixed to the hash length
// (RFC 7518 §3.5), not golang-jwt's, which accepts any salt length; it is
// used through the key's algorithm, never registered globally.
var algorithms = map[string]*algorithm{
	"HS256": {name: "HS256", kind: kindHMAC, method: jwt.SigningMethodHS256, minKey: 32},
	"HS384": {name: "HS384", kind: kindHMAC, method: jwt.SigningMethodHS384, minKey: 48},
	"HS512": {name: "HS512", kind: kindHMAC, method: jwt.SigningMethodHS512, minKey: 64},
	"RS256": {name: "RS256", kind: kindRSA, method: jwt.SigningMethodRS256},
	"RS384": {name: "RS384", kind: kindRSA, method: jwt.SigningMethodRS384},
	"RS512": {name: "RS512", kind: kindRSA, method: jwt.SigningMethodRS512},
	"PS256": {name: "PS256", kind: kindRSA, method: pssPS256},
	"PS384": {name: "PS384", kind: kindRSA, method: pssPS384},
	"PS512": {name: "PS512", kind: kindRSA, method: pssPS512},
	"ES256": {name: "ES256", kind: kindEC, method: jwt.SigningMethodES256, curve: elliptic.P256()},
	"ES384": {name: "ES384", kind: kindEC, method: jwt.SigningMethodES384, curve: elliptic.P384()},
	"ES512": {name: "ES512", kind: kindEC, method: jwt.SigningMethodES512, curve: elliptic.P521()},
	"EdDSA": {name: "EdDSA", kind: kindEd25519, method: jwt.SigningMethodEdDSA},
}

// supportedAlgorithms is the list given in error messages.
const supportedAlgorithms = "HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA"

// lookupAlgorithm returns the algorithm named alg, or an error that says
// why it cannot be used. Names are case-sensitive, as in RFC 7518.
func lookupAlgorithm(alg string) (*algorithm, error) {
	if a, ok := algorithms[alg]; ok {
		return a, nil
	}
	if strings.EqualFold(alg, "none") {
		return nil, errorf("%q is never allowed", alg)
	}
	return nil, errorf("unknown algorithm %q (supported: %s)", alg, supportedAlgorithms)
}

// IsAsymmetric reports whether alg is a supported public-key algorithm
// (RS*, PS*, ES*, EdDSA), whose tokens can be verified with a published key.
func IsAsymmetric(alg string) bool {
	a, ok := algorithms[alg]
	return ok && a.kind != kindHMAC
}
