package ginjwt_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func TestParseKeyPEM(t *testing.T) {
	tests := []struct {
		alg, file string
		sign      bool  // ParseSigningKeyPEM, else ParseVerifyKeyPEM
		want      error // nil: accepted
		msg       string
	}{
		{"RS256", "rsa2048.pem", true, nil, ""},
		{"PS512", "rsa2048-pkcs1.pem", true, nil, ""},
		{"RS384", "rsa2048.pub.pem", false, nil, ""},
		{"PS256", "rsa2048-pkcs1.pub.pem", false, nil, ""},
		{"RS256", "rsa2048.pem", false, nil, ""}, // a private PEM as a verify key: its public half
		{"ES256", "p256.pem", true, nil, ""},
		{"ES256", "p256-sec1.pem", true, nil, ""}, // EC PARAMETERS block first
		{"ES256", "p256.pub.pem", false, nil, ""},
		{"ES384", "p384.pem", true, nil, ""},
		{"ES512", "p521.pem", true, nil, ""},
		{"EdDSA", "ed25519.pem", true, nil, ""},
		{"EdDSA", "ed25519.pub.pem", false, nil, ""},

		{"RS256", "rsa2048.pub.pem", true, ginjwt.ErrNotSigningKey, "public key, which cannot sign"},
		{"EdDSA", "ed25519.pub.pem", true, ginjwt.ErrNotSigningKey, "public key"},
		{"RS256", "rsa1024.pem", true, ginjwt.ErrWeakKey, "1024 bits is too weak"},
		{"RS256", "rsa1024.pem", false, ginjwt.ErrWeakKey, "1024 bits"},
		{"EdDSA", "ed25519-encrypted.pem", true, ginjwt.ErrEncryptedKey, "encrypted"},
		{"RS256", "rsa2048-encrypted-pkcs1.pem", true, ginjwt.ErrEncryptedKey, "encrypted"},
		{"ES256", "p384.pem", true, ginjwt.ErrKeyType, "ES256 needs a key on P-256, not an ECDSA public key on P-384"},
		{"ES512", "p256.pem", true, ginjwt.ErrKeyType, "P-521"},
		{"ES256", "rsa2048.pem", true, ginjwt.ErrKeyType, "ES256 needs an ECDSA key, not an RSA public key"},
		{"EdDSA", "p256.pem", true, ginjwt.ErrKeyType, "EdDSA needs an Ed25519 key"},
		{"RS256", "ed25519.pem", true, ginjwt.ErrKeyType, "RS256 needs an RSA key"},
		{"HS256", "ed25519.pub.pem", false, ginjwt.ErrKeyType, "HS256 needs an HMAC secret"},
		{"ES256", "p256-cert.pem", false, ginjwt.ErrKey, "a certificate"},
		{"none", "ed25519.pem", true, ginjwt.ErrKeyType, `"none" is never allowed`},
		{"RS999", "rsa2048.pem", true, ginjwt.ErrKeyType, "unknown algorithm"},
	}
	for _, tc := range tests {
		t.Run(tc.alg+"/"+tc.file, func(t *testing.T) {
			parse := ginjwt.ParseVerifyKeyPEM
			if tc.sign {
				parse = ginjwt.ParseSigningKeyPEM
			}
			k, err := parse(tc.alg, keyFile(t, tc.file))
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.alg, k.Algorithm())
				assert.Equal(t, tc.sign, k.CanSign())
				assert.NotEmpty(t, k.KeyID())
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.ErrorIs(t, err, ginjwt.ErrKey)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	t.Run("not PEM", func(t *testing.T) {
		_, err := ginjwt.ParseSigningKeyPEM("EdDSA", []byte("hello"))
		assert.ErrorContains(t, err, "no PEM block")
	})
	t.Run("two keys in one file", func(t *testing.T) {
		two := append(keyFile(t, "p256.pem"), keyFile(t, "p256.pem")...)
		_, err := ginjwt.ParseSigningKeyPEM("ES256", two)
		assert.ErrorContains(t, err, "2 PEM blocks")
	})
}

func TestKeyFromGoValues(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)

	k, err := ginjwt.NewSigningKey("ES256", ecKey)
	require.NoError(t, err)
	assert.True(t, k.CanSign())
	assert.Equal(t, &ecKey.PublicKey, k.Public())
	assert.False(t, k.VerifyOnly().CanSign())

	v, err := ginjwt.NewVerifyKey("EdDSA", edPriv)
	require.NoError(t, err)
	assert.False(t, v.CanSign(), "a verify key keeps only the public half")
	assert.Equal(t, edPriv.Public(), v.Public())

	_, err = ginjwt.NewSigningKey("EdDSA", edPriv.Public())
	assert.ErrorIs(t, err, ginjwt.ErrNotSigningKey)
	_, err = ginjwt.NewSigningKey("ES384", ecKey)
	assert.ErrorIs(t, err, ginjwt.ErrKeyType)
	_, err = ginjwt.NewSigningKey("RS256", []byte(strings.Repeat("k", 32)))
	assert.ErrorContains(t, err, "use NewHMACKey")
	_, err = ginjwt.NewVerifyKey("HS256", &ecKey.PublicKey)
	assert.ErrorIs(t, err, ginjwt.ErrKeyType)
	_, err = ginjwt.NewSigningKey("PS256", "a string")
	assert.ErrorIs(t, err, ginjwt.ErrKeyType)
}

func TestHMACKeyRules(t *testing.T) {
	for _, tc := range []struct {
		name, alg string
		secret    []byte
		want      error
	}{
		{"HS256 32 bytes", "HS256", make([]byte, 32), nil},
		{"HS256 31 bytes", "HS256", make([]byte, 31), ginjwt.ErrWeakKey},
		{"HS512 63 bytes", "HS512", make([]byte, 63), ginjwt.ErrWeakKey},
		{"empty", "HS256", nil, ginjwt.ErrWeakKey},
		{"asymmetric alg", "EdDSA", make([]byte, 64), ginjwt.ErrKeyType},
		{"a public key PEM as the secret", "HS256", keyFile(t, "rsa2048.pub.pem"), ginjwt.ErrKeyType},
		{"a JWK as the secret", "HS256", []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`), ginjwt.ErrKeyType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ginjwt.NewHMACKey(tc.alg, tc.secret)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestDefaultKeyIDs(t *testing.T) {
	t.Run("RFC 7638 §3.1 example", func(t *testing.T) {
		n, err := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
		require.NoError(t, err)
		k, err := ginjwt.NewVerifyKey("RS256", &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537})
		require.NoError(t, err)
		assert.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", k.KeyID())
	})
	t.Run("RFC 8037 A.3 example", func(t *testing.T) {
		x, err := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
		require.NoError(t, err)
		k, err := ginjwt.NewVerifyKey("EdDSA", ed25519.PublicKey(x))
		require.NoError(t, err)
		assert.Equal(t, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", k.KeyID())
	})
	t.Run("one kid for every encoding of a key", func(t *testing.T) {
		kids := map[string]bool{}
		for _, f := range []string{"rsa2048.pem", "rsa2048-pkcs1.pem", "rsa2048.pub.pem", "rsa2048-pkcs1.pub.pem"} {
			k, err := ginjwt.ParseVerifyKeyPEM("RS256", keyFile(t, f))
			require.NoError(t, err)
			kids[k.KeyID()] = true
		}
		assert.Len(t, kids, 1)
	})
	t.Run("HMAC: deterministic, per secret and algorithm, secret-free", func(t *testing.T) {
		secret := []byte(strings.Repeat("s", 64))
		a, _ := ginjwt.NewHMACKey("HS256", secret)
		b, _ := ginjwt.NewHMACKey("HS256", secret)
		c, _ := ginjwt.NewHMACKey("HS512", secret)
		d, _ := ginjwt.NewHMACKey("HS256", []byte(strings.Repeat("t", 64)))
		assert.Equal(t, a.KeyID(), b.KeyID())
		assert.NotEqual(t, a.KeyID(), c.KeyID())
		assert.NotEqual(t, a.KeyID(), d.KeyID())
		assert.NotContains(t, a.KeyID(), "ssss")
		assert.Len(t, a.KeyID(), 22, "128 bits, base64url")
	})
}

func TestNewKeySetRules(t *testing.T) {
	rs := signingKey(t, "RS256")
	ps := signingKey(t, "PS256")
	ed := signingKey(t, "EdDSA")

	_, err := ginjwt.NewKeySet(rs, ps)
	assert.ErrorContains(t, err, "used twice", "one RSA key under two algorithms has one thumbprint")
	_, err = ginjwt.NewKeySet(rs, ps.WithKeyID("rsa-pss"))
	assert.NoError(t, err)
	_, err = ginjwt.NewKeySet(ed.VerifyOnly())
	assert.ErrorIs(t, err, ginjwt.ErrNotSigningKey)
	_, err = ginjwt.NewKeySet(ginjwt.Key{})
	assert.Error(t, err)
	_, err = ginjwt.NewKeySet(ed.WithKeyID(""))
	assert.ErrorContains(t, err, "kid")
	_, err = ginjwt.NewKeySet(ed.WithKeyID("bad\nkid"))
	assert.ErrorContains(t, err, "printable")

	ks, err := ginjwt.NewKeySet(ed, rs)
	require.NoError(t, err)
	assert.Equal(t, ed.KeyID(), ks.Active().KeyID())
	require.Len(t, ks.Keys(), 2)
	got, ok := ks.Lookup(rs.KeyID())
	require.True(t, ok)
	assert.False(t, got.CanSign(), "a verify-only key loses its private half")
	_, ok = ks.Lookup("nope")
	assert.False(t, ok)
}
