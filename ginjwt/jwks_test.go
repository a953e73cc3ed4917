package ginjwt_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

func TestJWKSHandler(t *testing.T) {
	ed, rs, es, hs := signingKey(t, "EdDSA"), signingKey(t, "RS256"), signingKey(t, "ES384"), signingKey(t, "HS256")
	f := keyFixture(t, ginjwt.MustNewKeySet(ed, rs, es, hs))
	f.cfg.JWKSMaxAge = 90 * time.Second
	a := ginjwt.MustCompile(f.cfg)
	r := gin.New()
	r.GET("/.well-known/jwks.json", a.JWKSHandler())

	w := do(t, r, "GET", "/.well-known/jwks.json", nil)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/jwk-set+json", w.Header().Get("Content-Type"))
	assert.Equal(t, "public, max-age=90", w.Header().Get("Cache-Control"))
	etag := w.Header().Get("ETag")
	require.NotEmpty(t, etag)

	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	w.decode(t, &set)
	require.Len(t, set.Keys, 3, "the HMAC key is never published")
	byKid := map[string]map[string]any{}
	for _, k := range set.Keys {
		byKid[k["kid"].(string)] = k
		assert.Equal(t, "sig", k["use"])
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"} {
			assert.NotContains(t, k, private)
		}
	}
	assert.Equal(t, map[string]any{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": ed.KeyID(), "x": byKid[ed.KeyID()]["x"]}, byKid[ed.KeyID()])
	assert.Equal(t, "RSA", byKid[rs.KeyID()]["kty"])
	assert.Equal(t, "AQAB", byKid[rs.KeyID()]["e"])
	assert.Equal(t, "RS256", byKid[rs.KeyID()]["alg"])
	assert.Equal(t, "P-384", byKid[es.KeyID()]["crv"])
	assert.Len(t, byKid[es.KeyID()]["x"], 64, "a P-384 coordinate is 48 bytes, padded")
	assert.NotContains(t, byKid, hs.KeyID())

	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		w := do(t, r, "GET", "/.well-known/jwks.json", nil, "If-None-Match", inm)
		assert.Equal(t, http.StatusNotModified, w.Code, inm)
		assert.Empty(t, w.Body.String())
		assert.Equal(t, etag, w.Header().Get("ETag"))
		assert.Equal(t, "public, max-age=90", w.Header().Get("Cache-Control"))
	}
	assert.Equal(t, http.StatusOK, do(t, r, "GET", "/.well-known/jwks.json", nil, "If-None-Match", `"other"`).Code)

	// A new set is served at once, under a new ETag.
	require.NoError(t, a.SetKeys(ginjwt.MustNewKeySet(ed)))
	w = do(t, r, "GET", "/.well-known/jwks.json", nil, "If-None-Match", etag)
	require.Equal(t, http.StatusOK, w.Code)
	assert.NotEqual(t, etag, w.Header().Get("ETag"))
	w.decode(t, &set)
	assert.Len(t, set.Keys, 1)

	// HMAC only: nothing to publish.
	require.NoError(t, a.SetKeys(ginjwt.MustNewKeySet(hs)))
	w = do(t, r, "GET", "/.well-known/jwks.json", nil)
	assert.Equal(t, http.StatusNotFound, w.Code)
	assert.Equal(t, "Not found", w.detail(t))

	// The document is the same as KeySet.JWKS.
	ks := ginjwt.MustNewKeySet(rs)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(ks.JWKS(), &doc))
	assert.Len(t, doc["keys"], 1)
}
