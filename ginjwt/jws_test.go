package ginjwt_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// signRaw signs header and payload, given as JSON text, with HS256 under
// key: tokens that golang-jwt's minting, which goes through maps, cannot
// spell (duplicate members, broken JSON).
func signRaw(key []byte, header, payload string) string {
	enc := base64.RawURLEncoding
	in := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(in))
	return in + "." + enc.EncodeToString(mac.Sum(nil))
}

// The token's header and claims are each read in one strict pass, and the
// claims only after the signature: a header with a member twice is
// refused (golang-jwt's map lets the last one win), a claim set is never
// parsed for a token whose signature fails, and the claim set's JSON is
// checked without encoding/json's help.
func TestTokenSegmentsAreReadStrictly(t *testing.T) {
	f := newFixture(t)
	f.cfg.Sessions = nil
	auth := ginjwt.MustCompile(f.cfg)
	kid := auth.Keys().Keys()[0].KeyID()
	now := time.Now().Unix()
	claims := fmt.Sprintf(`{"sub":%q,"token_type":"access","iat":%d,"exp":%d}`, f.user.ID, now, now+60)
	header := fmt.Sprintf(`{"alg":"HS256","typ":"at+jwt","kid":%q}`, kid)

	_, err := auth.ParseAccessToken(signRaw(testKey, header, claims))
	require.NoError(t, err, "the well-formed token, as the cases below spell it")

	for _, tc := range []struct {
		name, header, claims string
		want                 error
	}{
		{"alg twice", `{"alg":"none","alg":"HS256","typ":"at+jwt","kid":"` + kid + `"}`, claims, jwt.ErrTokenMalformed},
		{"kid twice", `{"alg":"HS256","typ":"at+jwt","kid":"other","kid":"` + kid + `"}`, claims, jwt.ErrTokenMalformed},
		{"typ twice", `{"alg":"HS256","typ":"JWT","typ":"at+jwt","kid":"` + kid + `"}`, claims, jwt.ErrTokenMalformed},
		{"crit as null", `{"alg":"HS256","typ":"at+jwt","kid":"` + kid + `","crit":null}`, claims, ginjwt.ErrCritHeader},
		{"kid a number", `{"alg":"HS256","typ":"at+jwt","kid":7}`, claims, ginjwt.ErrUnknownKey},
		{"header not an object", `["HS256"]`, claims, jwt.ErrTokenMalformed},
		{"header data after the object", header + `{}`, claims, jwt.ErrTokenMalformed},
		{"custom claim a bare word", header, claims[:len(claims)-1] + `,"x":tru}`, jwt.ErrTokenMalformed},
		{"custom claim a number with a leading zero", header, claims[:len(claims)-1] + `,"x":01}`, jwt.ErrTokenMalformed},
		{"custom claim mismatched brackets", header, claims[:len(claims)-1] + `,"x":{"a":[1}]}`, jwt.ErrTokenMalformed},
		{"exp a hex float", header, fmt.Sprintf(`{"sub":%q,"token_type":"access","iat":%d,"exp":0x1p40}`, f.user.ID, now), jwt.ErrTokenMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.ParseAccessToken(signRaw(testKey, tc.header, tc.claims))
			assert.ErrorIs(t, err, ginjwt.ErrTokenInvalid)
			assert.ErrorIs(t, err, tc.want)
		})
	}

	// A claim set that is not even JSON, under a signature that does not
	// verify: refused for its signature, its claims never read.
	forged := signRaw([]byte("not the server's key, but as long as one"), header, `{"sub":`)
	_, err = auth.ParseAccessToken(forged)
	assert.ErrorIs(t, err, jwt.ErrTokenSignatureInvalid)
	assert.NotErrorIs(t, err, jwt.ErrTokenMalformed)
}
