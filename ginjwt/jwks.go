package ginjwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// JWK is the public JSON Web Key (RFC 7517) of one asymmetric key of a
// [KeySet], as the JWKS handler publishes it. It never has private members.
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Crv string `json:"crv,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// jwk returns the public JWK of an asymmetric key (zero for HMAC).
func (k *Key) jwk() JWK {
	j := JWK{Kid: k.kid, Use: "sig", Alg: k.Algorithm()}
	switch p := k.public.(type) {
	case *rsa.PublicKey:
		j.Kty, j.N, j.E = "RSA", b64Int(p.N), b64Int(big.NewInt(int64(p.E)))
	case *ecdsa.PublicKey:
		// The uncompressed point 0x04 || X || Y, each coordinate padded to
		// the curve's size as RFC 7518 §6.2.1.2 requires.
		e, _ := p.ECDH() // checked when the key was made
		pt := e.Bytes()[1:]
		j.Kty, j.Crv, j.X, j.Y = "EC", p.Curve.Params().Name, b64(pt[:len(pt)/2]), b64(pt[len(pt)/2:])
	case ed25519.PublicKey:
		j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64(p)
	}
	return j
}

// thumbprint is the RFC 7638 JWK thumbprint (SHA-256) of j: the required
// members only, in lexicographic order, no whitespace.
func thumbprint(j JWK) string {
	var s string
	switch j.Kty {
	case "RSA":
		s = `{"e":` + strconv.Quote(j.E) + `,"kty":"RSA","n":` + strconv.Quote(j.N) + `}`
	case "EC":
		s = `{"crv":` + strconv.Quote(j.Crv) + `,"kty":"EC","x":` + strconv.Quote(j.X) + `,"y":` + strconv.Quote(j.Y) + `}`
	case "OKP":
		s = `{"crv":` + strconv.Quote(j.Crv) + `,"kty":"OKP","x":` + strconv.Quote(j.X) + `}`
	}
	sum := sha256.Sum256([]byte(s))
	return b64(sum[:])
}

// jwksDocument is the JWK Set of the public keys of keys, with its ETag.
func jwksDocument(keys []Key) (doc []byte, etag string, n int) {
	set := struct {
		Keys []JWK `json:"keys"`
	}{Keys: []JWK{}}
	for i := range keys {
		if keys[i].alg.kind != kindHMAC {
			set.Keys = append(set.Keys, keys[i].jwk())
		}
	}
	doc, _ = json.Marshal(set) // plain strings: cannot fail
	sum := sha256.Sum256(doc)
	return doc, `"` + b64(sum[:16]) + `"`, len(set.Keys)
}

// JWKSHandler serves the public keys of the current key set as a JWK Set
// (RFC 7517), for GET /.well-known/jwks.json: active and verify-only keys,
// each with kid, alg and use "sig"; HMAC keys are never published. The
// answer has Content-Type application/jwk-set+json, Cache-Control
// "public, max-age=" Config.JWKSMaxAge, and an ETag; a request whose
// If-None-Match names it gets 304. A set with no public key (HMAC only)
// answers 404 {"detail": "Not found"}. After [Auth.SetKeys] the handler
// serves the new set at once; caches see it within the max-age.
func (a *Auth[U]) JWKSHandler() gin.HandlerFunc {
	cacheControl := "public, max-age=" + strconv.Itoa(int(a.set.jwksMaxAge.Seconds()))
	return func(c *gin.Context) {
		s := a.tokens.ring.Load().set.s
		if s.published == 0 {
			a.fail(c, http.StatusNotFound, errNoPublicKeys, "Not found")
			return
		}
		h := c.Writer.Header()
		h.Set("Cache-Control", cacheControl)
		h.Set("ETag", s.etag)
		if etagMatches(c.GetHeader("If-None-Match"), s.etag) {
			c.Status(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, "application/jwk-set+json", s.jwks)
	}
}

// etagMatches applies RFC 9110 §13.1.2's weak comparison of If-None-Match
// against etag.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// errNoPublicKeys is the cause of the JWKS route's 404.
var errNoPublicKeys = errors.New("ginjwt: the key set has no public key to publish")
