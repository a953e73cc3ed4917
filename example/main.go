// Command example is a runnable server of ginjwt's HTTP contract: the auth
// routes under /auth, a protected /api group, and a public root.
//
//	go run ./example                       # SQLite file example.db in the working folder
//	go run ./example -db postgres://postgres@127.0.0.1:5432/test
//	go run ./example -db mongodb://127.0.0.1:27017/ginjwt
//
// Token settings come from the environment (JWT_SECRET_KEY, JWT_ALGORITHM,
// JWT_PRIVATE_KEY_FILE, JWT_ACCESS_TOKEN_LIFETIME, …; see the README);
// SIGHUP re-reads the key files. TRUSTED_PROXIES lists the proxies whose
// X-Forwarded-For is believed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	addr := flag.String("addr", envOr("ADDR", ":8080"), "listen address (env ADDR)")
	db := flag.String("db", envOr("DATABASE_URL", defaultDB), "database URL: sqlite://file.db, postgres://…, mongodb://…/dbname (env DATABASE_URL)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, *db, logger); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func serve(ctx context.Context, addr, db string, logger *slog.Logger) error {
	app, err := newApp(ctx, appOptions{DB: db, Lookup: os.LookupEnv, Logger: logger})
	if err != nil {
		return err
	}
	defer app.Close()
	defer watchReload(app, logger, nil)() // SIGHUP re-reads the key files

	srv := newHTTPServer(addr, app.Handler, defaultLimits)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err // say so before claiming to listen
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("example: listening", "addr", ln.Addr().String(), "store", app.Store)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("example: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
