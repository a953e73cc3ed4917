package gormstore

import (
	"context"
	"fmt"
)

// Migrate creates or updates, with GORM's AutoMigrate, the user table of U
// (with the application's extra columns and the unique index on
// email_normalized) and the session tables (see [Store.MigrateSessions]).
// It only adds what is missing, so it is safe to run at every start. It
// runs under ctx alone, without the store's per-call deadline, since
// altering a large table can take a while. Applications that manage their
// schema with a migration tool can run it once against an empty database
// and copy the result.
func (s *Store[U]) Migrate(ctx context.Context) error {
	if err := s.db.WithContext(ctx).AutoMigrate(new(U)); err != nil {
		return fmt.Errorf("gormstore: Migrate: user table: %w", err)
	}
	return s.MigrateSessions(ctx)
}

// MigrateSessions creates or updates the session, refresh-token and
// mail-token tables only, for applications that use the store as their SessionStore and keep
// users elsewhere.
func (s *Store[U]) MigrateSessions(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if err := db.Table(s.opts.sessionTable).AutoMigrate(&sessionRow{}); err != nil {
		return fmt.Errorf("gormstore: Migrate: table %s: %w", s.opts.sessionTable, err)
	}
	if err := db.Table(s.opts.tokenTable).AutoMigrate(&refreshTokenRow{}); err != nil {
		return fmt.Errorf("gormstore: Migrate: table %s: %w", s.opts.tokenTable, err)
	}
	if err := db.Table(s.opts.mailTable).AutoMigrate(&mailTokenRow{}); err != nil {
		return fmt.Errorf("gormstore: Migrate: table %s: %w", s.opts.mailTable, err)
	}
	return nil
}
