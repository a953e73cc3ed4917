package ginjwt_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// A key set that signs with Ed25519 and publishes its public key; a
// rotation swaps it without a restart. In production the keys come from
// PEM files (ParseSigningKeyPEM) made with openssl genpkey.
func ExampleNewKeySet() {
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60") // RFC 8032 test 1
	active, err := ginjwt.NewSigningKey("EdDSA", ed25519.NewKeyFromSeed(seed))
	if err != nil {
		panic(err)
	}
	fmt.Println(active.Algorithm(), active.KeyID()) // the RFC 7638 thumbprint

	store := memstore.New()
	auth := ginjwt.MustCompile(ginjwt.Config[memstore.User]{Keys: ginjwt.MustNewKeySet(active), Users: store})
	r := gin.New()
	r.GET("/.well-known/jwks.json", auth.JWKSHandler())
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/jwks.json", nil))
	fmt.Println(w.Code, w.Header().Get("Cache-Control"))
	fmt.Println(w.Body.String())

	// Rotation: the new key signs, the old one still verifies what it signed.
	u, _ := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "a@example.com", NormalizedEmail: "a@example.com"})
	old, _ := auth.AccessToken(context.Background(), u, "", timeNow())
	_, next, _ := ed25519.GenerateKey(nil)
	nextKey, _ := ginjwt.NewSigningKey("EdDSA", next)
	_ = auth.SetKeys(ginjwt.MustNewKeySet(nextKey, active))
	_, err = auth.ParseAccessToken(old)
	fmt.Println("old token after rotation:", err == nil, "epoch", auth.KeyEpoch())
	_ = auth.SetKeys(ginjwt.MustNewKeySet(nextKey))
	_, err = auth.ParseAccessToken(old)
	fmt.Println("after removal:", strings.TrimPrefix(err.Error(), "ginjwt: invalid token: "))
	// Output:
	// EdDSA kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k
	// 200 public, max-age=300
	// {"keys":[{"kty":"OKP","kid":"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k","use":"sig","alg":"EdDSA","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}
	// old token after rotation: true epoch 1
	// after removal: token is unverifiable: ginjwt: unknown key id
}
