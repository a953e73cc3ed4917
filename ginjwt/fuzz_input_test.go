package ginjwt_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// stdClaims decodes a claim set the way encoding/json does, for comparison.
type stdClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
	TokenType string `json:"token_type"`
}

// FuzzClaimsJSON checks the strict claim decoder against encoding/json:
// whatever it accepts is valid JSON that encoding/json decodes to the same
// values (so it is never laxer), and it never accepts a name that folds onto a registered
// claim without being it.
func FuzzClaimsJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"sub":"a","exp":1,"iat":2.5,"nbf":-1,"aud":["x","y"],"iss":"i","jti":"j","sid":"s","token_type":"access"}`,
		`{"sub":"a","SUB":"b"}`, `{"ſub":"b"}`, `{"sub":"a","sub":"b"}`, `{"exp":"1"}`, `{"sub":1}`, `{"aud":"x"}`,
		`{"aud":[1]}`, `{"s\u0075b":"x"}`, `{"x":{"sub":[{"exp":"y"}]}}`, `{"exp":1e400}`, `[]`, `null`, `"x"`,
		`{"sub":"\u00e9\ud83d\ude00"}`, "{\"sub\":\"\xff\"}", `{"exp":1,"exp":1}`, ` { "sub" : "a" } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// As the request path calls it, with no encoding/json pass before:
		// it accepts valid JSON only.
		var direct ginjwt.Claims
		if direct.UnmarshalJSON(b) == nil && !json.Valid(b) {
			t.Fatalf("%q: accepted, but it is not JSON", b)
		}
		var ours ginjwt.Claims
		err := json.Unmarshal(b, &ours) // as golang-jwt's parser calls it
		if err != nil {
			return
		}
		var std stdClaims
		if err := json.Unmarshal(b, &std); err != nil {
			t.Fatalf("%q: accepted, but encoding/json fails: %v", b, err)
		}
		if !reflect.DeepEqual(ours.RegisteredClaims, std.RegisteredClaims) || ours.SessionID != std.SessionID || ours.TokenType != std.TokenType {
			t.Fatalf("%q: decoded %+v, encoding/json %+v", b, ours, std)
		}
		var names map[string]json.RawMessage
		if err := json.Unmarshal(b, &names); err != nil {
			t.Fatalf("%q: accepted, but it is not an object: %v", b, err)
		}
		for name := range names {
			for _, r := range []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "token_type"} {
				if name != r && strings.EqualFold(name, r) {
					t.Fatalf("%q: accepted the name %q, which folds onto %q", b, name, r)
				}
			}
		}
	})
}

// FuzzRouteBodies sends arbitrary bodies to every route that reads one:
// the answer is a client error or a success, never a 500 or a 503, and
// every error body is {"detail": …}.
func FuzzRouteBodies(f *testing.F) {
	for i, s := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"email":"ada@example.com","password":"correct horse battery"}`,
		`{"email":1}`, `{"email":"a@b.c","password":"` + strings.Repeat("x", 300) + `"}`, `{"refresh_token":"a.b"}`,
		`{"refresh_token":"` + strings.Repeat("A", 500) + `"}`, `{"current_password":"correct horse battery","new_password":"a new password"}`,
		`{"email":"a@b.c"}{}`, `{"email":"\u0000@b.c","password":"x"}`, `{"email":"` + strings.Repeat("a", 70000) + `"}`,
		`{"email":"x@y.z","password":"p","is_staff":true}`, "{\"email\":\"\xff@b.c\",\"password\":\"longenough\"}",
	} {
		f.Add(uint8(i), s)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		paths := []string{"/auth/signup", "/auth/signin", "/auth/refresh", "/auth/password"}
		req := httptest.NewRequest(http.MethodPost, paths[int(route)%len(paths)], strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+a.access)
		w := httptest.NewRecorder()
		a.r.ServeHTTP(w, req)
		switch w.Code {
		case 200, 201, 400, 401, 409, 413, 429:
		default:
			t.Fatalf("%s %q: status %d %s", req.URL.Path, body, w.Code, w.Body.String())
		}
		if w.Code >= 400 {
			var e map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e["detail"] == "" || len(e) != 1 {
				t.Fatalf("%s %q: error body %q", req.URL.Path, body, w.Body.String())
			}
		}
	})
}

// FuzzRefreshToken presents arbitrary refresh tokens: each is refused with
// a sentinel error (never a store error, never a success), and the
// session's real token still rotates afterwards.
func FuzzRefreshToken(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{"", ".", "a.b", a.refresh, a.refresh + "x", strings.Repeat(".", 200), "\x00.\xff", a.refresh[:22] + ".", a.refresh[:23]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		if tok == a.refresh {
			return
		}
		_, _, err := a.auth.Refresh(context.Background(), tok)
		if err == nil {
			t.Fatalf("%q refreshed", tok)
		}
		if !errors.Is(err, ginjwt.ErrSessionNotFound) && !errors.Is(err, ginjwt.ErrRefreshTokenReused) {
			t.Fatalf("%q: %v, want ErrSessionNotFound or ErrRefreshTokenReused", tok, err)
		}
	})
}

type fuzzApp struct {
	r               http.Handler
	auth            *ginjwt.Auth[memstore.User]
	access, refresh string
}

func newFuzzApp(f *testing.F) *fuzzApp {
	store := memstore.New()
	hash, err := testHasher.Hash(context.Background(), adaPassword)
	if err != nil {
		f.Fatal(err)
	}
	u, err := store.CreateUser(context.Background(), ginjwt.NewUser{Email: "ada@example.com", NormalizedEmail: "ada@example.com", PasswordHash: hash})
	if err != nil {
		f.Fatal(err)
	}
	cfg := ginjwt.Config[memstore.User]{
		SigningKey: testKey, Users: store, Sessions: store, Passwords: testHasher,
		Throttle: ginjwt.NewMemoryThrottle(1<<30, 0, 0), Logger: discardLogger(),
	}
	app := newRouter(cfg)
	p, err := app.auth.IssueTokens(context.Background(), u, ginjwt.Client{})
	if err != nil {
		f.Fatal(err)
	}
	app.access, app.refresh = p.AccessToken, p.RefreshToken
	return app
}

func newRouter(cfg ginjwt.Config[memstore.User]) *fuzzApp {
	r := gin.New()
	auth := ginjwt.Mount(r.Group("/auth"), cfg)
	return &fuzzApp{r: r, auth: auth}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
