package ginjwt_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// privateKey parses a committed PKCS#8 test key into its Go value, for
// minting tokens with golang-jwt directly.
func privateKey(t testing.TB, file string) crypto.Signer {
	t.Helper()
	b, _ := pem.Decode(keyFile(t, file))
	require.NotNil(t, b)
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	require.NoError(t, err)
	return k.(crypto.Signer)
}

// stockMethod is golang-jwt's own method for alg.
func stockMethod(alg string) jwt.SigningMethod { return jwt.GetSigningMethod(alg) }

func TestEveryAlgorithmSignsAndVerifies(t *testing.T) {
	for _, alg := range allAlgorithms {
		t.Run(alg, func(t *testing.T) {
			k := signingKey(t, alg)
			f := keyFixture(t, ginjwt.MustNewKeySet(k))
			a := ginjwt.MustCompile(f.cfg)
			tok := accessToken(t, a, f)
			r := engine[memstore.User](a.Middleware())
			assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code)

			// The header names the algorithm and the key.
			parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
			require.NoError(t, err)
			assert.Equal(t, alg, parsed.Header["alg"])
			assert.Equal(t, k.KeyID(), parsed.Header["kid"])
			assert.Equal(t, "at+jwt", parsed.Header["typ"])

			// golang-jwt's stock method verifies it with the public key alone.
			var verify any = k.Public()
			if alg[:2] == "HS" {
				verify = []byte(strings.Repeat("h", map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}[alg]))
			}
			_, err = jwt.NewParser(jwt.WithValidMethods([]string{alg})).Parse(tok, func(*jwt.Token) (any, error) { return verify, nil })
			assert.NoError(t, err)

			// A token golang-jwt mints with the same key, header and claims is
			// accepted, with or without the kid (one key of its algorithm).
			if alg[:2] != "HS" {
				priv := privateKey(t, keyFileFor(alg))
				good := f.goodClaims(t)
				for _, h := range []map[string]any{
					{"typ": "at+jwt", "kid": k.KeyID()},
					{"typ": "at+jwt"},
				} {
					m := stockMethod(alg)
					assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(mint(t, m, priv, h, good))...).Code, "%v", h)
				}
			}
		})
	}
}

func TestKeySelection(t *testing.T) {
	edA := signingKey(t, "EdDSA")
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	edB, err := ginjwt.NewSigningKey("EdDSA", otherPriv)
	require.NoError(t, err)
	es := signingKey(t, "ES256")
	esPriv := privateKey(t, "p256.pem")
	edPriv := privateKey(t, "ed25519.pem")

	f := keyFixture(t, ginjwt.MustNewKeySet(edA, edB, es))
	a := ginjwt.MustCompile(f.cfg)
	good := f.goodClaims(t)
	at := func(kv ...any) map[string]any { return with(map[string]any{"typ": "at+jwt"}, kv...) }
	ed, ecm := stockMethod("EdDSA"), stockMethod("ES256")
	attackerEC, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	attackerJWK := map[string]any{"kty": "EC", "crv": "P-256",
		"x": base64.RawURLEncoding.EncodeToString(attackerEC.X.FillBytes(make([]byte, 32))),
		"y": base64.RawURLEncoding.EncodeToString(attackerEC.Y.FillBytes(make([]byte, 32)))}

	tests := []struct {
		name string
		tok  string
		want error // nil: accepted
	}{
		{"kid of the active key", mint(t, ed, edPriv, at("kid", edA.KeyID()), good), nil},
		{"kid of a verify-only key", mint(t, ed, otherPriv, at("kid", edB.KeyID()), good), nil},
		{"ES256 without kid: the only ES256 key", mint(t, ecm, esPriv, at(), good), nil},
		{"EdDSA without kid: two EdDSA keys", mint(t, ed, edPriv, at(), good), ginjwt.ErrUnknownKey},
		{"unknown kid", mint(t, ed, edPriv, at("kid", "nope"), good), ginjwt.ErrUnknownKey},
		{"kid that is not a string", mint(t, ed, edPriv, at("kid", 7), good), ginjwt.ErrUnknownKey},
		{"right key, other kid", mint(t, ed, edPriv, at("kid", edB.KeyID()), good), jwt.ErrTokenSignatureInvalid},
		{"alg differs from the kid's pinned alg", mint(t, ecm, esPriv, at("kid", edA.KeyID()), good), ginjwt.ErrKeyAlgorithm},
		{"alg not in the set", mint(t, jwt.SigningMethodHS256, []byte(strings.Repeat("k", 32)), at(), good), jwt.ErrTokenSignatureInvalid},
		{"embedded jwk of the attacker", mint(t, ecm, attackerEC, at("jwk", attackerJWK), good), jwt.ErrTokenSignatureInvalid},
		{"embedded jwk with the real kid", mint(t, ecm, attackerEC, at("jwk", attackerJWK, "kid", es.KeyID()), good), jwt.ErrTokenSignatureInvalid},
		{"jku and x5u are not fetched", mint(t, ecm, attackerEC, at("jku", "http://127.0.0.1:1/jwks", "x5u", "http://127.0.0.1:1/c"), good), jwt.ErrTokenSignatureInvalid},
		{"x5c is not used", mint(t, ecm, attackerEC, at("x5c", []string{"MIIB"}), good), jwt.ErrTokenSignatureInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.ParseAccessToken(tc.tok)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ginjwt.ErrTokenInvalid)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

// TestAlgorithmConfusion: a public key used as an HMAC secret never verifies.
func TestAlgorithmConfusion(t *testing.T) {
	hs := signingKey(t, "HS256")
	for _, alg := range []string{"RS256", "PS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			k := signingKey(t, alg)
			pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(k.Public()))})
			ks := ginjwt.MustNewKeySet(k)
			jwks := ks.JWKS()
			var set struct{ Keys []json.RawMessage }
			require.NoError(t, json.Unmarshal(jwks, &set))
			secrets := map[string][]byte{"PEM": pubPEM, "JWK": set.Keys[0], "JWKS": jwks}

			for _, mixed := range []bool{false, true} {
				cfgKeys := ks
				if mixed { // an HS256 key in the set too, as during an HS256 → asymmetric migration
					cfgKeys = ginjwt.MustNewKeySet(k, hs)
				}
				f := keyFixture(t, cfgKeys)
				a := ginjwt.MustCompile(f.cfg)
				r := engine[memstore.User](a.Middleware())
				good := f.goodClaims(t)
				for name, secret := range secrets {
					for _, h := range []map[string]any{{"typ": "at+jwt"}, {"typ": "at+jwt", "kid": k.KeyID()}} {
						tok := mint(t, jwt.SigningMethodHS256, secret, h, good)
						_, err := a.ParseAccessToken(tok)
						assert.Error(t, err, "mixed=%v %s as the HMAC secret, header %v", mixed, name, h)
						assert.Equal(t, 401, do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code)
					}
				}
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPSSSaltLength: a PS256 signature with a salt other than the hash
// length is refused (RFC 7518 §3.5), though golang-jwt's stock PS256
// accepts it; ginjwt's own signatures use the hash length.
func TestPSSSaltLength(t *testing.T) {
	k := signingKey(t, "PS256")
	priv := privateKey(t, "rsa2048.pem").(*rsa.PrivateKey)
	f := keyFixture(t, ginjwt.MustNewKeySet(k))
	a := ginjwt.MustCompile(f.cfg)
	good := f.goodClaims(t)

	signWithSalt := func(salt int) string {
		head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"PS256","kid":"` + k.KeyID() + `","typ":"at+jwt"}`))
		body := base64.RawURLEncoding.EncodeToString(must(json.Marshal(good)))
		digest := sha256.Sum256([]byte(head + "." + body))
		sig, err := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: salt})
		require.NoError(t, err)
		return head + "." + body + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	stock := func(tok string) error {
		_, err := jwt.NewParser().Parse(tok, func(*jwt.Token) (any, error) { return &priv.PublicKey, nil })
		return err
	}
	for _, salt := range []int{0, 20, 64, rsa.PSSSaltLengthAuto} {
		tok := signWithSalt(salt)
		require.NoError(t, stock(tok), "golang-jwt's stock PS256 accepts salt %d (the trap)", salt)
		_, err := a.ParseAccessToken(tok)
		assert.ErrorIs(t, err, jwt.ErrTokenSignatureInvalid, "salt length %d", salt)
	}
	_, err := a.ParseAccessToken(signWithSalt(32))
	assert.NoError(t, err, "salt length = hash length")

	// ginjwt's own PS256 tokens verify with the salt length fixed.
	tok := accessToken(t, a, f)
	parts := strings.Split(tok, ".")
	sig := must(base64.RawURLEncoding.DecodeString(parts[2]))
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	assert.NoError(t, rsa.VerifyPSS(&priv.PublicKey, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}))
}

func TestRotation(t *testing.T) {
	oldKey := signingKey(t, "EdDSA")
	_, newPriv, _ := ed25519.GenerateKey(rand.Reader)
	newKey := must(ginjwt.NewSigningKey("EdDSA", newPriv))

	f := keyFixture(t, ginjwt.MustNewKeySet(oldKey))
	a := ginjwt.MustCompile(f.cfg)
	r := engine[memstore.User](a.Middleware())
	assert.Zero(t, a.KeyEpoch())
	before := accessToken(t, a, f)

	// Step 1: publish the new key as verify-only. Nothing else changes.
	require.NoError(t, a.SetKeys(ginjwt.MustNewKeySet(oldKey, newKey)))
	assert.EqualValues(t, 1, a.KeyEpoch())
	assert.Contains(t, string(a.Keys().JWKS()), newKey.KeyID())
	assert.Equal(t, oldKey.KeyID(), kidOf(t, accessToken(t, a, f)))

	// Step 2: make it active; the old key verifies what it signed.
	require.NoError(t, a.SetKeys(ginjwt.MustNewKeySet(newKey, oldKey)))
	after := accessToken(t, a, f)
	assert.Equal(t, newKey.KeyID(), kidOf(t, after))
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(before)...).Code, "signed before the rotation")
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(after)...).Code)

	// Step 3: remove the old key; its tokens stop at once.
	require.NoError(t, a.SetKeys(ginjwt.MustNewKeySet(newKey)))
	assert.EqualValues(t, 3, a.KeyEpoch())
	_, err := a.ParseAccessToken(before)
	assert.ErrorIs(t, err, ginjwt.ErrUnknownKey)
	assert.Equal(t, 401, do(t, r, "GET", "/api/me", nil, bearer(before)...).Code)
	assert.Equal(t, 200, do(t, r, "GET", "/api/me", nil, bearer(after)...).Code)

	assert.Error(t, a.SetKeys(ginjwt.KeySet{}))
	assert.EqualValues(t, 3, a.KeyEpoch(), "a refused set changes nothing")
}

// TestRotationUnderLoad swaps key sets while requests are in flight; run
// with -race. A token of the key present in every set always verifies.
func TestRotationUnderLoad(t *testing.T) {
	stable := signingKey(t, "ES256")
	other := signingKey(t, "EdDSA")
	sets := []ginjwt.KeySet{ginjwt.MustNewKeySet(stable), ginjwt.MustNewKeySet(other, stable)}
	f := keyFixture(t, sets[0])
	a := ginjwt.MustCompile(f.cfg)
	r := engine[memstore.User](a.Middleware())
	tok := accessToken(t, a, f)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	failures := make(chan int, 64)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if code := do(t, r, "GET", "/api/me", nil, bearer(tok)...).Code; code != 200 {
					failures <- code
					return
				}
			}
		}()
	}
	for i := range 200 {
		require.NoError(t, a.SetKeys(sets[i%2]))
		_ = accessToken(t, a, f) // signing reads the ring too
	}
	close(stop)
	wg.Wait()
	close(failures)
	for code := range failures {
		t.Errorf("a request got %d during a swap", code)
	}
	assert.EqualValues(t, 200, a.KeyEpoch())
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	require.NoError(t, err)
	kid, _ := parsed.Header["kid"].(string)
	return kid
}

func TestConfigKeysAndSigningKeyExclusive(t *testing.T) {
	f := keyFixture(t, ginjwt.MustNewKeySet(signingKey(t, "EdDSA")))
	for field, change := range map[string]func(*ginjwt.Config[memstore.User]){
		"SigningKey": func(c *ginjwt.Config[memstore.User]) { c.SigningKey = testKey },
		"Algorithm":  func(c *ginjwt.Config[memstore.User]) { c.Algorithm = "EdDSA" },
		"KeyID":      func(c *ginjwt.Config[memstore.User]) { c.KeyID = "k" },
		"JWKSMaxAge": func(c *ginjwt.Config[memstore.User]) { c.JWKSMaxAge = -1 },
	} {
		cfg := f.cfg
		change(&cfg)
		_, err := ginjwt.Compile(cfg)
		var ce *ginjwt.ConfigError
		require.True(t, errors.As(err, &ce), field)
		assert.Equal(t, field, ce.Field)
	}
	// The simple form is sugar for a one-key set with the same kid.
	simple := newFixture(t)
	a := ginjwt.MustCompile(simple.cfg)
	want := must(ginjwt.NewHMACKey("HS256", testKey))
	assert.Equal(t, want.KeyID(), a.Keys().Active().KeyID())
	assert.Equal(t, want.KeyID(), kidOf(t, accessToken(t, a, simple)))
	_, err := a.ParseAccessToken(mint(t, jwt.SigningMethodHS256, testKey, map[string]any{"typ": "at+jwt"}, simple.goodClaims(t)))
	assert.NoError(t, err, "a token without kid: the set's only HS256 key")
	_ = context.Background
}
