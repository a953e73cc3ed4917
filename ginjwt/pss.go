package ginjwt

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// pssMethod is RSASSA-PSS as RFC 7518 §3.5 defines it for JWS: MGF1 with
// the same hash, and a salt exactly as long as the hash output, both when
// signing and when verifying. golang-jwt's PS* methods verify with any salt
// length (Wycheproof tc281–tc286 pass them), and its registry is global, so
// ginjwt keeps this method to itself: a PS* key verifies with it (jws.go).
type pssMethod struct {
	name string
	hash crypto.Hash
	opts *rsa.PSSOptions
}

var (
	pssPS256 = newPSSMethod("PS256", crypto.SHA256)
	pssPS384 = newPSSMethod("PS384", crypto.SHA384)
	pssPS512 = newPSSMethod("PS512", crypto.SHA512)
)

func newPSSMethod(name string, h crypto.Hash) *pssMethod {
	return &pssMethod{name: name, hash: h, opts: &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}}
}

// errPSSKey is returned for a key that is not an RSA key of the right kind.
var errPSSKey = errors.New("ginjwt: RSASSA-PSS needs an RSA key")

func (m *pssMethod) Alg() string { return m.name }

func (m *pssMethod) digest(signingString string) []byte {
	h := m.hash.New()
	h.Write([]byte(signingString))
	return h.Sum(nil)
}

// Verify checks sig with the salt length fixed to the hash length.
func (m *pssMethod) Verify(signingString string, sig []byte, key any) error {
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return jwt.ErrInvalidKeyType
	}
	return rsa.VerifyPSS(pub, m.hash, m.digest(signingString), sig, m.opts)
}

// Sign signs with a salt as long as the hash output.
func (m *pssMethod) Sign(signingString string, key any) ([]byte, error) {
	priv, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, errPSSKey
	}
	return rsa.SignPSS(rand.Reader, priv, m.hash, m.digest(signingString), m.opts)
}
