package ginjwt_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Wycheproof has no EdDSA or ES384 vectors; its README points to RFC 8037
// A.4 for Ed25519, and to self-made negative cases for both.

const rfc8037JWS = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

func TestRFC8037Ed25519Example(t *testing.T) {
	d, err := base64.RawURLEncoding.DecodeString("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
	require.NoError(t, err)
	priv := ed25519.NewKeyFromSeed(d)
	assert.Equal(t, "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", base64.RawURLEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)))
	k, err := ginjwt.NewSigningKey("EdDSA", priv)
	require.NoError(t, err)
	ks := ginjwt.MustNewKeySet(k)

	assert.NoError(t, ginjwt.VerifySignature(ks, rfc8037JWS, true))
	// Ed25519 is deterministic: signing the same input gives the RFC's signature.
	parts := strings.Split(rfc8037JWS, ".")
	sig, err := jwt.SigningMethodEdDSA.Sign(parts[0]+"."+parts[1], priv)
	require.NoError(t, err)
	assert.Equal(t, parts[2], base64.RawURLEncoding.EncodeToString(sig))

	for name, jws := range edNegatives(rfc8037JWS) {
		assert.Error(t, ginjwt.VerifySignature(ks, jws, true), name)
	}
}

func TestES384SelfMadeNegatives(t *testing.T) {
	k := signingKey(t, "ES384")
	ks := ginjwt.MustNewKeySet(k)
	f := keyFixture(t, ks)
	tok := accessToken(t, ginjwt.MustCompile(f.cfg), f)
	require.NoError(t, ginjwt.VerifySignature(ks, tok, true))
	for name, jws := range edNegatives(tok) {
		assert.Error(t, ginjwt.VerifySignature(ks, jws, true), name)
	}
	// An ES256-sized (64-byte) signature under ES384.
	parts := strings.Split(tok, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	short := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(append(sig[:32:32], sig[48:80]...))
	assert.Error(t, ginjwt.VerifySignature(ks, short, true))
	// r and s swapped.
	swapped := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(append(append([]byte{}, sig[48:]...), sig[:48]...))
	assert.Error(t, ginjwt.VerifySignature(ks, swapped, true))
}

// edNegatives derives invalid JWSs from a valid one: a flipped signature
// bit, a flipped payload bit, a truncated and an empty signature, and the
// alg changed in the header.
func edNegatives(jws string) map[string]string {
	parts := strings.Split(jws, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	flip := func(b []byte, i int) []byte { c := append([]byte{}, b...); c[i] ^= 1; return c }
	enc := base64.RawURLEncoding.EncodeToString
	return map[string]string{
		"signature bit":   parts[0] + "." + parts[1] + "." + enc(flip(sig, len(sig)-1)),
		"signature high":  parts[0] + "." + parts[1] + "." + enc(flip(sig, 0)),
		"payload bit":     parts[0] + "." + enc(flip(payload, 0)) + "." + parts[2],
		"truncated":       parts[0] + "." + parts[1] + "." + enc(sig[:len(sig)-1]),
		"empty signature": parts[0] + "." + parts[1] + ".",
		"alg none":        enc([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".",
		"alg HS256":       enc([]byte(`{"alg":"HS256"}`)) + "." + parts[1] + "." + parts[2],
	}
}
