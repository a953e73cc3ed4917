package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// badToken is a token the protected route must refuse with 401.
type badToken struct {
	Name  string
	Token string
}

// badTokens returns tokens that must all fail on a protected route, made
// from a valid access token and the server's key: each is wrong in one way
// only, so that a check that stops working shows as a 200. refresh is a
// live refresh token, which is never an access token.
func badTokens(valid, refresh string, key []byte) ([]badToken, error) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(valid, claims); err != nil {
		return nil, fmt.Errorf("reading the claims of a fresh access token: %w", err)
	}
	now := time.Now()
	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		c["jti"] = rand.Text()
		if change != nil {
			change(c)
		}
		return c
	}
	sign := func(m jwt.SigningMethod, typ string, c jwt.MapClaims, k any) (string, error) {
		t := jwt.NewWithClaims(m, c)
		t.Header["typ"] = typ
		return t.SignedString(k)
	}

	var out []badToken
	add := func(name, tok string, err error) error {
		if err != nil {
			return fmt.Errorf("minting %s: %w", name, err)
		}
		out = append(out, badToken{name, tok})
		return nil
	}
	expired := with(func(c jwt.MapClaims) {
		c["iat"] = now.Add(-2 * time.Hour).Unix()
		c["exp"] = now.Add(-time.Hour).Unix()
	})
	tok, err := sign(jwt.SigningMethodHS256, "at+jwt", expired, key)
	if err := add("expired", tok, err); err != nil {
		return nil, err
	}
	tok, err = sign(jwt.SigningMethodHS512, "at+jwt", with(nil), key)
	if err := add("alg HS512 (not configured)", tok, err); err != nil {
		return nil, err
	}
	tok, err = sign(jwt.SigningMethodNone, "at+jwt", with(nil), jwt.UnsafeAllowNoneSignatureType)
	if err := add("alg none", tok, err); err != nil {
		return nil, err
	}
	tok, err = sign(jwt.SigningMethodHS256, "at+jwt", with(nil), []byte(strings.Repeat("another key ", 6)))
	if err := add("another key", tok, err); err != nil {
		return nil, err
	}
	tok, err = sign(jwt.SigningMethodHS256, "JWT", with(nil), key)
	if err := add("typ JWT", tok, err); err != nil {
		return nil, err
	}
	_ = add("tampered signature", tamper(valid), nil)
	_ = add("refresh token", refresh, nil)
	_ = add("empty segments", "..", nil)
	_ = add("not a JWT", "not-a-jwt", nil)

	// Random base64url runs with zero to three dots, some of them long.
	r := mrand.New(mrand.NewPCG(1, 2))
	for i := range 8 {
		b := make([]byte, 8+r.IntN(600))
		for j := range b {
			b[j] = byte(r.UintN(256))
		}
		g := []byte(base64.RawURLEncoding.EncodeToString(b))
		for range r.IntN(4) {
			g[r.IntN(len(g))] = '.'
		}
		_ = add(fmt.Sprintf("garbage %d", i), string(g), nil)
	}
	return out, nil
}

// tamper changes one character in the middle of the token's signature, so
// that header and claims are intact and only the signature is wrong.
func tamper(token string) string {
	i := strings.LastIndexByte(token, '.')
	b := []byte(token)
	j := i + 1 + (len(b)-i-1)/2
	if b[j] == 'A' {
		b[j] = 'B'
	} else {
		b[j] = 'A'
	}
	return string(b)
}
