// Command swagdemo is a small notes service whose own routes are
// described by swag annotations (github.com/swaggo/swag) and whose
// sign-up, sign-in and sessions are ginjwt's. It serves one OpenAPI 3.1
// document of both at GET /openapi.json: swag's Swagger 2.0 output,
// docs/swagger.json, converted and merged with Auth.OpenAPI (openapi.go).
// docs/openapi.md, "Merging into a swaggo document", explains the steps.
//
//	go run ./example/swagdemo            # listens on :8080 (ADDR to change)
//	make openapi-swag                    # regenerates docs/swagger.json
//
// Users, sessions and notes live in memory and are gone on exit.
package main

import (
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// swaggerJSON is swag's description of the notes routes. Only the JSON
// output is generated (--outputTypes json): the docs.go swag would also
// write registers the document for a Swagger UI and imports swag, and
// this app serves the merged document instead.
//
//go:embed docs/swagger.json
var swaggerJSON []byte

// main serves the demo.
//
//	@title						Notes API
//	@version					1.0.0
//	@description				A notes service. Its own routes are described by swag annotations, its sign-in by ginjwt.
//	@BasePath					/api
//	@securityDefinitions.apikey	AuthBearer
//	@in							header
//	@name						Authorization
//	@description				"Bearer <access token>". Swagger 2.0 has no bearer scheme: the merged document replaces this one with ginjwt's AuthBearer.
func main() {
	key := make([]byte, 32) // a new key each run: the users do not survive it either
	_, _ = rand.Read(key)
	store := memstore.New()
	h, err := newApp(ginjwt.Config[memstore.User]{SigningKey: key, Users: store, Sessions: store})
	if err != nil {
		log.Fatal(err)
	}
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	log.Printf("swagdemo: listening on %s; the document is at /openapi.json", addr)
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// newApp mounts the auth routes under /auth, the notes under /api behind
// the auth middleware, and the merged document at /openapi.json.
func newApp(cfg ginjwt.Config[memstore.User]) (http.Handler, error) {
	auth, err := ginjwt.Compile(cfg)
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	r.Use(gin.Recovery())
	if err := auth.Mount(r.Group("/auth")); err != nil {
		return nil, err
	}
	n := newNotes()
	api := r.Group("/api", auth.Middleware())
	api.GET("/notes", n.list)
	api.POST("/notes", n.create)
	api.GET("/notes/:id", n.get)
	api.DELETE("/notes/:id", n.remove)

	doc, err := openAPI(swaggerJSON, auth.OpenAPI())
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(doc) // once: the configuration does not change
	if err != nil {
		return nil, err
	}
	r.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", b) })
	return r, nil
}
