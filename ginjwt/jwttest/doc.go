// Package jwttest mints ginjwt access tokens in tests, so that an
// application can test its own protected handlers without going through
// sign-up and sign-in.
//
// A [Minter] is built from the same [ginjwt.Config] the application's
// engine uses. Its tokens are real: signed with the Config's key, and, when
// the Config has a Sessions store, backed by a live session in it. The user
// a token names must be in the Config's Users store, since the middleware
// loads it on every request.
//
//	package app_test
//
//	import (
//		"net/http"
//		"net/http/httptest"
//		"testing"
//
//		"github.com/gin-gonic/gin"
//
//		"github.com/ginjwt/ginjwt/ginjwt"
//		"github.com/ginjwt/ginjwt/ginjwt/jwttest"
//		"github.com/ginjwt/ginjwt/ginjwt/memstore"
//		"github.com/ginjwt/ginjwt/ginjwt/password"
//	)
//
//	func TestProfile(t *testing.T) {
//		store := memstore.New()
//		cfg := ginjwt.Config[memstore.User]{ // the application's Config, over test stores
//			SigningKey: []byte("a test key of at least 32 bytes!"),
//			Users:      store,
//			Sessions:   store,
//			Passwords:  password.MustNew(password.TestingOptions()),
//		}
//		r := gin.New() // the application's router
//		r.GET("/api/profile", ginjwt.New(cfg), func(c *gin.Context) { c.Status(http.StatusOK) })
//
//		m := jwttest.New(t, cfg)
//		u, err := m.Auth().CreateUser(t.Context(), "ada@example.com", "a long password", nil)
//		if err != nil {
//			t.Fatal(err)
//		}
//		req := httptest.NewRequest(http.MethodGet, "/api/profile", nil)
//		req.Header.Set("Authorization", m.Header(m.Token(u)))
//		w := httptest.NewRecorder()
//		r.ServeHTTP(w, req)
//		if w.Code != http.StatusOK { // with m.Expired(u) or m.Tampered(u) it is 401
//			t.Fatalf("%d %s", w.Code, w.Body)
//		}
//	}
package jwttest
