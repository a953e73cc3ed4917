package ginjwt_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// fzHeaderSeeds are Authorization values both fuzzers start from.
var fzHeaderSeeds = []string{
	"", " ", "Bearer", "Bearer ", "Bearer  x", "bearer x", "BEARER x", "Token x", "Basic abc",
	"Bearer a.b.c", "Bearer a b", "Bearer\tx", "Bearer x\r\n", "Bearer ünïcödé", "Bearer ☃.😀.x",
	"To\u212Aen x", // KELVIN SIGN folds to k under strings.EqualFold
	"Bearer " + strings.Repeat("A", 10000),
}

func FuzzHeaderExtractor(f *testing.F) {
	for _, s := range fzHeaderSeeds {
		f.Add(s, false)
	}
	f.Add("Bearer x", true)
	extract := ginjwt.HeaderExtractor("Authorization", "Bearer", "Token")

	f.Fuzz(func(t *testing.T, value string, twice bool) {
		values := []string{value}
		if twice {
			values = append(values, value)
		}
		tok, err := extract(&http.Request{Header: http.Header{"Authorization": values}})
		if err != nil {
			if tok != "" {
				t.Fatalf("%q: token %q returned with error %v", value, tok, err)
			}
			if !errors.Is(err, ginjwt.ErrTokenMissing) && !errors.Is(err, ginjwt.ErrSchemeNotAccepted) &&
				!errors.Is(err, ginjwt.ErrTokenInvalid) {
				t.Fatalf("%q: error %v is none of ginjwt's sentinels", value, err)
			}
			if value == "" && !errors.Is(err, ginjwt.ErrTokenMissing) {
				t.Fatalf("empty header: %v, want ErrTokenMissing", err)
			}
			return
		}
		switch {
		case twice:
			t.Fatalf("%q sent twice: accepted %q", value, tok)
		case tok == "":
			t.Fatalf("%q: empty token without error", value)
		case strings.Contains(tok, " "):
			// One word: its characters are the parser's to check (compactJWS).
			t.Fatalf("%q: token %q holds a space", value, tok)
		case !strings.HasSuffix(value, tok):
			t.Fatalf("%q: token %q is not the end of the header", value, tok)
		}
		scheme := strings.TrimRight(strings.TrimSuffix(value, tok), " ")
		if !strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "Token") {
			t.Fatalf("%q: token %q taken after scheme %q", value, tok, scheme)
		}
	})
}

// fzKey signs the fuzzed tokens; fzNow is the fixed clock, so that the valid
// seeds (and committed corpus files) stay valid.
var (
	fzKey = []byte("fuzz-key-fuzz-key-fuzz-key-32-by")
	fzNow = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
)

func fzClock() time.Time { return fzNow }

// fzSign signs claims with header fields as golang-jwt would.
func fzSign(f *testing.F, m jwt.SigningMethod, key []byte, header, claims map[string]any) string {
	f.Helper()
	tok := jwt.NewWithClaims(m, jwt.MapClaims(claims))
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		f.Fatal(err)
	}
	return s
}

func FuzzParseAccessToken(f *testing.F) {
	auth := ginjwt.MustCompile(ginjwt.Config[memstore.User]{
		SigningKey: fzKey, Users: memstore.New(), Sessions: memstore.New(), Now: fzClock,
	})
	user := memstore.User{ID: "user-1", Active: true}
	ctx := context.Background()
	valid, err := auth.AccessToken(ctx, user, "session-1", fzNow)
	if err != nil {
		f.Fatal(err)
	}
	expired, err := auth.AccessToken(ctx, user, "session-1", fzNow.Add(-time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload[len(payload)/2] ^= 1
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + parts[1] + "."

	claims := map[string]any{
		"sub": "user-1", "sid": "session-1", "token_type": "access", "jti": "j",
		"iat": fzNow.Unix(), "exp": fzNow.Add(time.Minute).Unix(),
	}
	at := map[string]any{"typ": "at+jwt"}
	seeds := []string{
		valid, expired, tampered, none, "", "ünïcödé.☃.😀", valid + "\n", " " + valid, valid + ".",
		strings.Repeat("A", ginjwt.DefaultMaxTokenBytes+1),
		parts[0] + "." + strings.Repeat("A", ginjwt.DefaultMaxTokenBytes) + "." + parts[2],
		fzSign(f, jwt.SigningMethodHS256, fzKey, at, claims),                           // a foreign library's token: accepted
		fzSign(f, jwt.SigningMethodHS512, fzKey, at, claims),                           // another algorithm, same key
		fzSign(f, jwt.SigningMethodHS256, fzKey, map[string]any{"typ": "JWT"}, claims), // not an access token
		fzSign(f, jwt.SigningMethodHS256, fzKey, map[string]any{"typ": "at+jwt", "crit": []string{"exp"}}, claims),
		fzSign(f, jwt.SigningMethodHS256, fzKey, map[string]any{"typ": "at+jwt", "kid": "other"}, claims),
		fzSign(f, jwt.SigningMethodHS256, []byte("another key, another key, 32 by"), at, claims),
		fzSign(f, jwt.SigningMethodHS256, fzKey, at, map[string]any{"sub": "user-1", "sid": "s", "token_type": "refresh", "exp": fzNow.Add(time.Minute).Unix()}),
		fzSign(f, jwt.SigningMethodHS256, fzKey, at, map[string]any{"sub": "", "sid": "s", "token_type": "access", "exp": fzNow.Add(time.Minute).Unix()}),
		fzSign(f, jwt.SigningMethodHS256, fzKey, at, map[string]any{"sub": "user-1", "token_type": "access", "exp": fzNow.Add(time.Minute).Unix()}),
		fzSign(f, jwt.SigningMethodHS256, fzKey, at, map[string]any{"sub": "user-1", "sid": "s", "token_type": "access", "exp": 0}),
	}
	seeds = append(seeds, fzHeaderSeeds...)
	for i, s := range seeds {
		f.Add(s, uint(i*37), byte('A'+i))
	}

	f.Fuzz(func(t *testing.T, raw string, pos uint, b byte) {
		fzCheckParse(t, auth, raw)

		// The valid token with one byte set to b: accepted only if unchanged.
		mut := []byte(valid)
		mut[pos%uint(len(mut))] = b
		_, err := auth.ParseAccessToken(string(mut))
		if string(mut) == valid && err != nil {
			t.Fatalf("the valid token was rejected: %v", err)
		}
		if string(mut) != valid && err == nil {
			t.Fatalf("the valid token with byte %d set to %q was accepted", pos%uint(len(mut)), b)
		}
	})
}

// fzCheckParse parses raw and checks what ParseAccessToken promises: a
// rejection matches ErrTokenInvalid; an accepted token is an access token of
// a subject in a session, and golang-jwt, holding the key, verifies it too.
func fzCheckParse(t *testing.T, auth *ginjwt.Auth[memstore.User], raw string) {
	t.Helper()
	claims, err := auth.ParseAccessToken(raw)
	if err != nil {
		if claims != nil {
			t.Fatalf("%q: claims returned with error %v", raw, err)
		}
		if !errors.Is(err, ginjwt.ErrTokenInvalid) {
			t.Fatalf("%q: error %v does not match ErrTokenInvalid", raw, err)
		}
		return
	}
	switch {
	case claims.TokenType != "access":
		t.Fatalf("%q accepted with token_type %q", raw, claims.TokenType)
	case claims.Subject == "":
		t.Fatalf("%q accepted without sub", raw)
	case claims.SessionID == "":
		t.Fatalf("%q accepted without sid although Sessions is set", raw)
	}
	canonical := raw
	if strings.Trim(canonical, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != "" ||
		strings.Count(canonical, ".") != 2 {
		t.Fatalf("%q accepted, but it is not a compact JWS of base64url segments", raw)
	}
	parts := strings.Split(raw, ".")
	sig, err := jwt.NewParser(jwt.WithStrictDecoding()).DecodeSegment(parts[2])
	if err != nil {
		t.Fatalf("%q accepted with an undecodable signature: %v", raw, err)
	}
	if err := jwt.SigningMethodHS256.Verify(parts[0]+"."+parts[1], sig, fzKey); err != nil {
		t.Fatalf("%q accepted, but its HS256 MAC does not verify: %v", raw, err)
	}
	p := jwt.NewParser(ginjwt.ParserOptions("HS256", "", "", ginjwt.DefaultLeeway, fzClock)...)
	tok, err := p.ParseWithClaims(raw, &ginjwt.Claims{}, func(*jwt.Token) (any, error) { return fzKey, nil })
	if err != nil {
		t.Fatalf("%q accepted by ginjwt, rejected by golang-jwt: %v", raw, err)
	}
	typ, _ := tok.Header["typ"].(string)
	if !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		t.Fatalf("%q accepted with typ %q", raw, typ)
	}
}
