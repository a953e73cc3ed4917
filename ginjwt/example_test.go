package ginjwt_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// User is an application's user type; here the in-memory store's.
type User = memstore.User

func send(h http.Handler, method, path, body, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// The whole picture: a global middleware, a protected group, a staff-only
// group, and a handler reading the user.
func Example() {
	store := memstore.New()
	key := []byte("a 32-byte key for HS256, at least")
	cfg := ginjwt.Config[User]{SigningKey: key, Users: store, Sessions: store}

	r := gin.New()
	r.GET("/", func(c *gin.Context) { c.String(200, "public") })
	api := r.Group("/api", ginjwt.New(cfg))
	admin := api.Group("/admin", ginjwt.Require(func(u User) bool { return u.IsStaff() }))
	admin.GET("", func(c *gin.Context) { c.String(200, "staff only") })
	api.GET("/hello", func(c *gin.Context) {
		u, _ := ginjwt.CurrentUser[User](c)
		c.String(200, "hello "+u.Email)
	})

	ctx := context.Background()
	ada, _ := store.CreateUser(ctx, ginjwt.NewUser{Email: "ada@example.com", NormalizedEmail: "ada@example.com"})
	pair, _ := ginjwt.MustCompile(cfg).IssueTokens(ctx, ada, ginjwt.Client{})

	fmt.Println(send(r, "GET", "/", "", "").Body)
	fmt.Println(send(r, "GET", "/api/hello", "", "").Body)
	fmt.Println(send(r, "GET", "/api/hello", "", pair.AccessToken).Body)
	fmt.Println(send(r, "GET", "/api/admin", "", pair.AccessToken).Code)
	// Output:
	// public
	// {"detail":"Authorization header missing"}
	// hello ada@example.com
	// 403
}

// Mount adds the auth routes; a global middleware leaves them reachable.
func ExampleMount() {
	store := memstore.New()
	cfg := ginjwt.Config[User]{
		SigningKey: []byte("a 32-byte key for HS256, at least"),
		Users:      store,
		Sessions:   store,
		Passwords:  password.MustNew(password.TestingOptions()), // cheap, for the example only
	}
	r := gin.New()
	r.Use(ginjwt.New(cfg))
	ginjwt.Mount(r.Group("/auth"), cfg)

	w := send(r, "POST", "/auth/signup", `{"email":"ada@example.com","password":"correct horse"}`, "")
	fmt.Println(w.Code)
	w = send(r, "POST", "/auth/signin", `{"email":"ADA@example.com","password":"correct horse"}`, "")
	fmt.Println(w.Code, w.Header().Get("Cache-Control"))
	w = send(r, "POST", "/auth/signin", `{"email":"ada@example.com","password":"wrong"}`, "")
	fmt.Println(w.Code, w.Body)
	// Output:
	// 201
	// 200 no-store
	// 401 {"detail":"Invalid email or password"}
}

// New panics at start-up, naming the field, when the configuration is
// unsafe; Compile returns the same error.
func ExampleCompile() {
	_, err := ginjwt.Compile(ginjwt.Config[User]{SigningKey: []byte("short"), Users: memstore.New()})
	fmt.Println(err)
	_, err = ginjwt.Compile(ginjwt.Config[User]{SigningKey: make([]byte, 32), Algorithm: "none", Users: memstore.New()})
	fmt.Println(err)
	// Output:
	// ginjwt: Config.SigningKey: HS256: a 5-byte secret is too short: at least 32 bytes (the hash output size)
	// ginjwt: Config.Algorithm: "none" is never allowed
}

// Optional sets the user when a valid token is present and lets anonymous
// requests through.
func ExampleOptional() {
	store := memstore.New()
	cfg := ginjwt.Config[User]{SigningKey: []byte("a 32-byte key for HS256, at least"), Users: store}
	r := gin.New()
	r.GET("/feed", ginjwt.Optional(cfg), func(c *gin.Context) {
		if u, ok := ginjwt.CurrentUser[User](c); ok {
			c.String(200, "feed for "+u.Email)
			return
		}
		c.String(200, "public feed")
	})
	fmt.Println(send(r, "GET", "/feed", "", "").Body)
	fmt.Println(send(r, "GET", "/feed", "", "not-a-token").Code)
	// Output:
	// public feed
	// 401
}

// Custom claims go in through Config.ExtraClaims and come back typed.
func ExampleClaims_Decode() {
	store := memstore.New()
	cfg := ginjwt.Config[User]{
		SigningKey: []byte("a 32-byte key for HS256, at least"),
		Users:      store,
		ExtraClaims: func(ctx context.Context, u User) (map[string]any, error) {
			return map[string]any{"plan": "pro"}, nil
		},
	}
	r := gin.New()
	r.GET("/plan", ginjwt.New(cfg), func(c *gin.Context) {
		claims, _ := ginjwt.CurrentClaims(c)
		var custom struct {
			Plan string `json:"plan"`
		}
		_ = claims.Decode(&custom)
		c.String(200, custom.Plan)
	})
	ctx := context.Background()
	u, _ := store.CreateUser(ctx, ginjwt.NewUser{Email: "a@example.com", NormalizedEmail: "a@example.com"})
	tok, _ := ginjwt.MustCompile(cfg).AccessToken(ctx, u, "any-session", timeNow())
	fmt.Println(send(r, "GET", "/plan", "", tok).Body)
	// Output:
	// pro
}
