package gormstore

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Migrate creates or updates, with GORM's AutoMigrate, the user table of U
// (with the application's extra columns and the unique indexes on
// email_normalized and username_normalized) and the session tables (see
// [Store.MigrateSessions]). It only adds what is missing, so it is safe
// to run at every start.
//
// Users that have a username but no username_normalized (every user of a
// table from before that column) get it filled in, in the same
// transaction as the schema change. If two existing usernames normalise
// alike, Migrate changes nothing and fails with an error that names
// them. It
// runs under ctx alone, without the store's per-call deadline, since
// altering a large table can take a while. Applications that manage their
// schema with a migration tool can run it once against an empty database
// and copy the result.
func (s *Store[U]) Migrate(ctx context.Context) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pending, err := pendingUsernames[U](tx)
		if err != nil {
			return err
		}
		if err := tx.AutoMigrate(new(U)); err != nil {
			return err
		}
		return fillUsernames[U](tx, pending)
	})
	if err != nil {
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
