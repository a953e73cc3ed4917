package jwttest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/jwttest"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// newRouter is the application under test: a profile handler behind
// ginjwt.New.
func newRouter(cfg ginjwt.Config[memstore.User]) *gin.Engine {
	r := gin.New()
	api := r.Group("/api", ginjwt.New(cfg))
	api.GET("/profile", func(c *gin.Context) {
		u, _ := ginjwt.CurrentUser[memstore.User](c)
		c.String(http.StatusOK, "hello %s", u.Username)
	})
	return r
}

// exampleT stands in for the *testing.T that a real test passes to
// jwttest.New.
type exampleT struct{}

func (exampleT) Helper()                           {}
func (exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// An application tests its own protected handler with tokens minted for a
// user it put in its store, without signing in.
func Example() {
	var t jwttest.TB = exampleT{} // in a test: the test's t

	gin.SetMode(gin.TestMode)
	store := memstore.New()
	cfg := ginjwt.Config[memstore.User]{
		SigningKey: []byte("test-only-key-of-at-least-32-bytes!"),
		Users:      store,
		Sessions:   store,
	}
	ada, err := store.CreateUser(context.Background(), ginjwt.NewUser{
		Email: "ada@example.com", NormalizedEmail: "ada@example.com", Username: "ada",
	})
	if err != nil {
		t.Fatalf("creating the user: %v", err)
	}
	router := newRouter(cfg)
	m := jwttest.New(t, cfg)

	for _, tc := range []struct{ name, token string }{
		{"valid", m.Token(ada)},
		{"expired", m.Expired(ada)},
		{"tampered", m.Tampered(ada)},
	} {
		req := httptest.NewRequest(http.MethodGet, "/api/profile", nil)
		m.Authorize(req, tc.token)
		w := httptest.NewRecorder()
		router.ServeHTTP(w, req)
		fmt.Println(tc.name, w.Code, w.Body.String())
	}
	// Output:
	// valid 200 hello ada
	// expired 401 {"detail":"Token has expired"}
	// tampered 401 {"detail":"Invalid token"}
}
