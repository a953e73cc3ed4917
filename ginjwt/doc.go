// Package ginjwt is JWT authentication for Gin: middleware, per-group
// protection, permission checks, ready-made auth routes and a Go API, over
// a typed user store (package gormstore for GORM, mongostore for MongoDB,
// memstore for tests).
//
// One [Config] drives everything; the user type is inferred from it. A
// complete program:
//
//	package main
//
//	import (
//		"context"
//		"log"
//		"os"
//
//		"github.com/gin-gonic/gin"
//		"gorm.io/driver/sqlite"
//		"gorm.io/gorm"
//
//		"github.com/ginjwt/ginjwt/ginjwt"
//		"github.com/ginjwt/ginjwt/gormstore"
//	)
//
//	type User = gormstore.User
//
//	func main() {
//		db, err := gorm.Open(sqlite.Open(gormstore.SQLiteDSN("app.db")), &gorm.Config{})
//		if err != nil {
//			log.Fatal(err)
//		}
//		store := gormstore.MustNew[User](db)
//		if err := store.Migrate(context.Background()); err != nil {
//			log.Fatal(err)
//		}
//		cfg := ginjwt.Config[User]{SigningKey: []byte(os.Getenv("JWT_SECRET_KEY")), Users: store, Sessions: store}
//
//		r := gin.New()
//		ginjwt.Mount(r.Group("/auth"), cfg)     // signup, signin, refresh, logout, me, sessions…
//		api := r.Group("/api", ginjwt.New(cfg)) // a protected group
//		api.Group("/admin", ginjwt.Require(func(u User) bool { return u.IsStaff() })).
//			GET("/stats", func(c *gin.Context) { c.JSON(200, gin.H{}) })
//		api.GET("/profile", func(c *gin.Context) {
//			u, _ := ginjwt.CurrentUser[User](c)
//			c.JSON(200, u)
//		})
//		log.Fatal(r.Run(":8080"))
//	}
//
// A global r.Use(ginjwt.New(cfg)) protects every route; the mounted auth
// routes, Config.PublicPaths and Config.Skip stay reachable without a token.
//
// Access tokens are short-lived JWTs (typ "at+jwt", RFC 9068) verified by
// github.com/golang-jwt/jwt/v5 with the algorithm pinned; refresh tokens are
// opaque, single-use and stored only as hashes, and presenting a spent one
// revokes its session. Failures answer {"detail": "..."} with the status and
// WWW-Authenticate challenge of RFC 6750; store failures answer 503.
//
// Everything built from Configs over the same stores shares one runtime
// state, so a logout through the routes is seen by the middleware at once.
// See the docs/ folder of the repository for the design.
package ginjwt
