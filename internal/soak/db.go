package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// database is where the server under soak keeps its data for one run.
type database struct {
	URL   string // what the server gets as DATABASE_URL
	Label string // for the report, without credentials
	Drop  func() // removes what the run created; safe to call once
	// Sessions, for PostgreSQL, returns how many connections the server
	// has opened to the database so far (pg_stat_database.sessions).
	Sessions func() (int64, error)
}

// prepareDB returns a fresh database for the run: a SQLite file in dir
// when raw is empty (or a sqlite:// URL, whose path is ignored), or a
// database created on the PostgreSQL server that raw names.
func prepareDB(ctx context.Context, raw, dir string) (*database, error) {
	scheme, _, _ := strings.Cut(raw, "://")
	switch strings.ToLower(scheme) {
	case "", "sqlite":
		path := filepath.Join(dir, "soak.db")
		return &database{URL: "sqlite://" + path, Label: "SQLite " + path, Drop: func() {}}, nil
	case "postgres", "postgresql":
		return createPostgres(ctx, raw)
	}
	return nil, fmt.Errorf("-db %q: the soak runs on SQLite (empty) or PostgreSQL (postgres://…)", raw)
}

// createPostgres creates a database with a random name on the server that
// server names (its own database only serves to run CREATE and DROP) and
// returns it, with a Drop that ends its connections and drops it.
func createPostgres(ctx context.Context, server string) (*database, error) {
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "ginjwt_soak_" + hex.EncodeToString(b[:])

	admin, err := openAdmin(server)
	if err != nil {
		return nil, err
	}
	err = admin.WithContext(ctx).Exec(`CREATE DATABASE "` + name + `"`).Error
	closeGorm(admin)
	if err != nil {
		return nil, fmt.Errorf("CREATE DATABASE %s on %s: %w", name, u.Redacted(), err)
	}

	db := *u
	db.Path = "/" + name
	label := "PostgreSQL " + db.Redacted()
	drop := func() {
		admin, err := openAdmin(server)
		if err != nil {
			fmt.Printf("soak: could not drop %s: %v\n", name, err)
			return
		}
		defer closeGorm(admin)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = admin.WithContext(ctx).Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()`, name).Error
		if err := admin.WithContext(ctx).Exec(`DROP DATABASE IF EXISTS "` + name + `"`).Error; err != nil {
			fmt.Printf("soak: could not drop %s: %v\n", name, err)
			return
		}
		fmt.Printf("soak: dropped database %s\n", name)
	}
	sessions := func() (int64, error) {
		admin, err := openAdmin(server)
		if err != nil {
			return 0, err
		}
		defer closeGorm(admin)
		var n int64
		err = admin.Raw(`SELECT sessions FROM pg_stat_database WHERE datname = ?`, name).Scan(&n).Error
		return n, err
	}
	fmt.Printf("soak: created database %s\n", name)
	return &database{URL: db.String(), Label: label, Drop: drop, Sessions: sessions}, nil
}

func openAdmin(dsn string) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return db, nil
}

func closeGorm(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}
