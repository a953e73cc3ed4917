package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ginjwt/ginjwt/gormstore"
)

// defaultDB keeps the data in a SQLite file in the working folder.
const defaultDB = "sqlite://example.db"

// openStore opens the database opts.DB names and builds the app over it.
func openStore(ctx context.Context, opts appOptions) (*app, error) {
	url := strings.TrimSpace(opts.DB)
	if url == "" {
		url = defaultDB
	}
	scheme, rest, _ := strings.Cut(url, "://")
	switch strings.ToLower(scheme) {
	case "sqlite":
		if rest == "" {
			return nil, fmt.Errorf("-db %q: a sqlite URL needs a file: sqlite://example.db or sqlite:///abs/path.db", url)
		}
		return openGorm(ctx, opts, "sqlite "+rest, sqlite.Open(gormstore.SQLiteDSN(rest)), 0)
	case "postgres", "postgresql":
		return openGorm(ctx, opts, "postgres", postgres.Open(url), postgresConns)
	case "mongodb", "mongodb+srv":
		return openMongo(ctx, opts, url)
	}
	return nil, fmt.Errorf("-db %q: unsupported database; use sqlite://file.db, postgres://… or mongodb://…/dbname", url)
}

// postgresConns bounds the example's PostgreSQL pool, open and idle alike.
// database/sql keeps only 2 idle connections by default, so any burst of
// more than 2 concurrent queries opened (and then closed) a connection per
// extra query, and with no cap a flood of requests could take every
// connection the server allows (100 by default). A query beyond the cap
// waits for a free connection, or until its request's client hangs up.
const postgresConns = 16

// openGorm opens the database and builds the app over it; maxConns, when
// positive, caps the pool's open connections and keeps as many idle.
func openGorm(ctx context.Context, opts appOptions, name string, dialector gorm.Dialector, maxConns int) (*app, error) {
	// GORM's own logger stays silent: it would print every expected
	// constraint violation (a signup with a taken email is a 409, not an
	// error). Store failures reach the request log through c.Error.
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if maxConns > 0 {
		sqlDB.SetMaxOpenConns(maxConns)
		sqlDB.SetMaxIdleConns(maxConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	closeDB := func() { _ = sqlDB.Close() }
	store, err := gormstore.New[gormstore.User](db)
	if err == nil {
		err = store.Migrate(ctx)
	}
	if err != nil {
		closeDB()
		return nil, fmt.Errorf("preparing %s: %w", name, err)
	}
	h, reload, closeAuth, err := build(opts, store, store)
	if err != nil {
		closeDB()
		return nil, err
	}
	return &app{Handler: h, Reload: reload, Store: name, Close: func() { closeAuth(); closeDB() }}, nil
}
