package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// app is the example server, built from its options: a handler over one
// store, and what closes it.
type app struct {
	Handler http.Handler
	Store   string // which store serves it, for the log
	Close   func()
	// Reload re-reads the key files and swaps the key set (on SIGHUP); on
	// an error the old set stays. See keys.go.
	Reload func() error
}

type appOptions struct {
	DB     string                      // the database URL
	Lookup func(string) (string, bool) // the environment
	Logger *slog.Logger
}

// newApp opens the store that opts.DB names and builds the server over it.
func newApp(ctx context.Context, opts appOptions) (*app, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Lookup == nil {
		opts.Lookup = func(string) (string, bool) { return "", false }
	}
	return openStore(ctx, opts)
}

// build is the server for one user type: the same code for every store.
// It returns the handler, the function that reloads its keys, and the one
// that closes it (draining the mail queue).
func build[U ginjwt.User](opts appOptions, users ginjwt.UserStore[U], sessions ginjwt.SessionStore) (http.Handler, func() error, func(), error) {
	cfg := ginjwt.Config[U]{Users: users, Sessions: sessions, Logger: opts.Logger}
	if err := ginjwt.LoadEnvFrom(&cfg, opts.Lookup); err != nil {
		return nil, nil, nil, err
	}
	if err := cookieMode(&cfg, opts.Lookup); err != nil { // cookies.go
		return nil, nil, nil, err
	}
	if err := mailMode(&cfg, opts.Lookup); err != nil { // mail.go
		return nil, nil, nil, err
	}
	if cfg.Keys.IsZero() && len(cfg.SigningKey) == 0 {
		cfg.SigningKey = make([]byte, 64)
		_, _ = rand.Read(cfg.SigningKey)
		opts.Logger.Warn("example: JWT_SECRET_KEY is not set; using a random key, so tokens will not survive a restart")
	}
	auth, err := ginjwt.Compile(cfg)
	if err != nil {
		return nil, nil, nil, err
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Believe X-Forwarded-For only from the proxies named in
	// TRUSTED_PROXIES: gin trusts every proxy by default, which would let a
	// client pick its own IP and so dodge the sign-in throttle.
	var proxies []string
	if v, _ := opts.Lookup("TRUSTED_PROXIES"); strings.TrimSpace(v) != "" {
		for _, p := range strings.Split(v, ",") {
			proxies = append(proxies, strings.TrimSpace(p))
		}
	}
	if err := r.SetTrustedProxies(proxies); err != nil {
		return nil, nil, nil, fmt.Errorf("environment variable TRUSTED_PROXIES: %w", err)
	}
	r.HandleMethodNotAllowed = true
	r.Use(requestLog(opts.Logger), recovery(opts.Logger))
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, ginjwt.ErrorBody{Detail: "Not found"}) })
	r.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, ginjwt.ErrorBody{Detail: "Method not allowed"})
	})

	r.GET("/", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"name": "ginjwt example", "auth": "/auth", "api": "/api"})
	})
	if err := auth.Mount(r.Group("/auth")); err != nil {
		return nil, nil, nil, err
	}
	// The public keys, for services that verify our tokens; 404 while the
	// key set is HMAC only.
	r.GET("/.well-known/jwks.json", auth.JWKSHandler())
	if cfg.Cookies != nil {
		mountDemo(r) // GET /demo/, cookies.go
	}
	if cfg.Mail != nil {
		mountAccountPages(r) // the links of the mails, mail.go
	}
	// The OpenAPI document of every route above and below, from the
	// configuration as mounted (openapi.go).
	bench, err := benchRoutes(opts.Lookup) // benchroutes.go
	if err != nil {
		return nil, nil, nil, err
	}
	if bench {
		r.GET("/bench/hello", hello)
	}
	openapi, err := serveOpenAPI(exampleOpenAPI(auth.OpenAPI(), cfg.Cookies != nil, cfg.Mail != nil, bench))
	if err != nil {
		return nil, nil, nil, err
	}
	r.GET("/openapi.json", openapi)
	api := r.Group("/api", auth.Middleware())
	api.GET("/profile", func(c *gin.Context) {
		u, _ := ginjwt.CurrentUser[U](c)
		c.JSON(http.StatusOK, u)
	})
	api.GET("/admin", ginjwt.RequireStaff[U](), func(c *gin.Context) {
		u, _ := ginjwt.CurrentUser[U](c)
		c.JSON(http.StatusOK, gin.H{"message": "Welcome, staff member", "id": u.Subject()})
	})
	if bench {
		api.GET("/hello", hello)
	}
	// Close drains the account-mail queue, so that a mail accepted before
	// a shutdown is still sent.
	closeAuth := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := auth.Close(ctx); err != nil {
			opts.Logger.Warn("example: draining the mail queue", "error", err)
		}
	}
	return r, keyReloader(auth, opts), closeAuth, nil
}
