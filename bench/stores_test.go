package bench

import (
	"context"
	"path/filepath"
	"testing"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/gormstore"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// BenchmarkStores/DB times, interleaved, the bare route and ginjwt with
// users and sessions in DB (gormstore): warm (token, user and session
// cached, as in production) and with every cache off, so that each
// request verifies the token and reads the session and the user.
// PostgreSQL is the server of $GINJWT_TEST_POSTGRES_DSN (default
// 127.0.0.1:5432, user postgres): the benchmark is skipped, saying so, when
// it is unreachable.
func BenchmarkStores(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := gorm.Open(sqlite.Open(gormstore.SQLiteDSN(filepath.Join(b.TempDir(), "bench.db"))),
			&gorm.Config{Logger: logger.Discard})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			if sqlDB, err := db.DB(); err == nil {
				_ = sqlDB.Close()
			}
		})
		storeParts(b, db)
	})
	b.Run("postgres", func(b *testing.B) {
		db, _ := pgtest.DB(b) // skips with the reason when the server is unreachable
		storeParts(b, db)
	})
}

func storeParts(b *testing.B, db *gorm.DB) {
	b.Helper()
	ctx := context.Background()
	store := gormstore.MustNew[gormstore.User](db)
	if err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	u, err := store.CreateUser(ctx, ginjwt.NewUser{Email: "b@example.com", NormalizedEmail: "b@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	warm := ginjwt.MustCompile(ginjwt.Config[gormstore.User]{SigningKey: secret, Users: store, Sessions: store})
	pair, err := warm.IssueTokens(ctx, u, ginjwt.Client{})
	if err != nil {
		b.Fatal(err)
	}
	// The uncached Auth shares the stores, hence the runtime state of the
	// warm one, but caches nothing itself: CacheTTL -1 reads the stores on
	// every request.
	uncached := ginjwt.MustCompile(ginjwt.Config[gormstore.User]{SigningKey: secret, Users: store, Sessions: store, TokenCacheSize: -1, CacheTTL: -1})
	interleave(b,
		serve(b, "bare", route(), ""),
		serve(b, "warm", route(warm.Middleware()), pair.AccessToken),
		serve(b, "uncached", route(uncached.Middleware()), pair.AccessToken),
	)
}
