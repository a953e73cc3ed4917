package gormstore

import (
	"context"
	"fmt"
)

// Migrate creates or updates, with GORM's AutoMigrate, the user table of U
// (with the application's extra columns and the unique index on
// email_normalized) and the session and refresh-token tables. It only adds
// what is missing, so it is safe to run at every start. It runs under ctx
// alone, without the store's per-call timeout, since altering a large
// table can take a while. Applications that manage their schema with a
// migration tool can run it once against an empty database and copy the
// result.
func (s *Store[U]) Migrate(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if err := db.AutoMigrate(new(U)); err != nil {
		return fmt.Errorf("gormstore: Migrate: user table: %w", err)
	}
	if err := db.Table(s.opts.sessionTable).AutoMigrate(&sessionRow{}); err != nil {
		return fmt.Errorf("gormstore: Migrate: table %s: %w", s.opts.sessionTable, err)
	}
	if err := db.Table(s.opts.tokenTable).AutoMigrate(&refreshTokenRow{}); err != nil {
		return fmt.Errorf("gormstore: Migrate: table %s: %w", s.opts.tokenTable, err)
	}
	return nil
}
