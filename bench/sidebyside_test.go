package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	jwtv4 "github.com/appleboy/gin-jwt/v2"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

var secret = []byte("0123456789abcdef0123456789abcdef") // HS256, 32 bytes

// memUser creates the benchmark's user in a fresh memory store.
func memUser(b *testing.B) (*memstore.Store, memstore.User) {
	b.Helper()
	store := memstore.New()
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "b@example.com", NormalizedEmail: "b@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	return store, u
}

// golangJWTParse is golang-jwt's own strict parse of token, with the
// options ginjwt verifies with, into the same claims type.
func golangJWTParse(b *testing.B, alg, token string, verify any) part {
	b.Helper()
	p := jwt.NewParser(ginjwt.ParserOptions(alg, "", "", ginjwt.DefaultLeeway, nil)...)
	keyfunc := func(*jwt.Token) (any, error) { return verify, nil }
	op := func() {
		if _, err := p.ParseWithClaims(token, &ginjwt.Claims{}, keyfunc); err != nil {
			b.Fatal(err)
		}
	}
	op()
	return part{name: "parse", op: op}
}

// appleboy returns appleboy/gin-jwt v2's middleware with an HS256 secret
// (defaults otherwise: header lookup, exp checked, identity from the
// claims, every user authorized) and a token it issued.
func appleboy(b *testing.B) (gin.HandlerFunc, string) {
	b.Helper()
	mw, err := jwtv4.New(&jwtv4.GinJWTMiddleware{
		Realm:       "bench",
		Key:         secret,
		Timeout:     time.Hour,
		MaxRefresh:  time.Hour,
		IdentityKey: "id",
		PayloadFunc: func(data any) jwtv4.MapClaims { return jwtv4.MapClaims{"id": data} },
		Authenticator: func(*gin.Context) (any, error) {
			return nil, jwtv4.ErrFailedAuthentication // sign-in is not benchmarked
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := mw.TokenGenerator("user-1")
	if err != nil {
		b.Fatal(err)
	}
	return mw.MiddlewareFunc(), token
}

// BenchmarkSideBySide times, interleaved in one benchmark: a bare route,
// golang-jwt's parse of the HS256 token, ginjwt cold (token cache off),
// warm (the token seen before), warm with the session check, with every
// cache off, and appleboy/gin-jwt v2, each on the same route. The user is
// served from memory here; BenchmarkStores reads it from a database.
func BenchmarkSideBySide(b *testing.B) {
	store, u := memUser(b)
	ctx := context.Background()
	base := ginjwt.Config[memstore.User]{SigningKey: secret, Users: store}

	coldCfg := base
	coldCfg.TokenCacheSize = -1
	cold := ginjwt.MustCompile(coldCfg)
	token, err := cold.AccessToken(ctx, u, "sid-1", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	warm := ginjwt.MustCompile(base)

	// Separate stores, so that these Auths share no cached state with the
	// ones above.
	uncachedStore, uu := memUser(b)
	uncachedCfg := ginjwt.Config[memstore.User]{SigningKey: secret, Users: uncachedStore, TokenCacheSize: -1, CacheTTL: -1}
	uncached := ginjwt.MustCompile(uncachedCfg)
	uncachedToken, err := uncached.AccessToken(ctx, uu, "sid-1", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	sessStore, su := memUser(b)
	sess := ginjwt.MustCompile(ginjwt.Config[memstore.User]{SigningKey: secret, Users: sessStore, Sessions: sessStore})
	pair, err := sess.IssueTokens(ctx, su, ginjwt.Client{})
	if err != nil {
		b.Fatal(err)
	}
	abMiddleware, abToken := appleboy(b)

	interleave(b,
		serve(b, "bare", route(), ""),
		golangJWTParse(b, "HS256", token, secret),
		serve(b, "cold", route(cold.Middleware()), token),
		serve(b, "warm", route(warm.Middleware()), token),
		serve(b, "warm-sessions", route(sess.Middleware()), pair.AccessToken),
		serve(b, "uncached", route(uncached.Middleware()), uncachedToken),
		serve(b, "appleboy", route(abMiddleware), abToken),
	)
}

// benchAlgorithms are the algorithms timed one by one: one of each family.
var benchAlgorithms = []string{"HS256", "RS256", "PS256", "ES256", "EdDSA"}

// algKey returns a fresh signing key for alg and what verifies it.
func algKey(b *testing.B, alg string) (ginjwt.Key, any) {
	b.Helper()
	var priv crypto.Signer
	var err error
	switch alg {
	case "HS256":
		k, err := ginjwt.NewHMACKey(alg, secret)
		if err != nil {
			b.Fatal(err)
		}
		return k, secret
	case "RS256", "PS256":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		b.Fatalf("no key for %s", alg)
	}
	if err != nil {
		b.Fatal(err)
	}
	k, err := ginjwt.NewSigningKey(alg, priv)
	if err != nil {
		b.Fatal(err)
	}
	return k, priv.Public()
}

// BenchmarkAlgorithms/ALG times, interleaved, the bare route, golang-jwt's
// parse of an ALG token, and ginjwt cold and warm with a key set of that
// one key.
func BenchmarkAlgorithms(b *testing.B) {
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			key, verify := algKey(b, alg)
			store, u := memUser(b)
			cold := ginjwt.MustCompile(ginjwt.Config[memstore.User]{Keys: ginjwt.MustNewKeySet(key), Users: store, TokenCacheSize: -1})
			warm := ginjwt.MustCompile(ginjwt.Config[memstore.User]{Keys: ginjwt.MustNewKeySet(key), Users: store})
			token, err := cold.AccessToken(context.Background(), u, "sid-1", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			interleave(b,
				serve(b, "bare", route(), ""),
				golangJWTParse(b, alg, token, verify),
				serve(b, "cold", route(cold.Middleware()), token),
				serve(b, "warm", route(warm.Middleware()), token),
			)
		})
	}
}
