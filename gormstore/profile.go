package gormstore

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

var _ ginjwt.ProfileUpdater[User] = (*Store[User])(nil)

// UpdateProfile implements [ginjwt.ProfileUpdater] with one UPDATE of the
// fields given (and updated_at), then returns the user as stored. A
// username that normalises to "" is stored as NULL; the unique index on
// username_normalized decides a taken one, also between racing updates.
func (s *Store[U]) UpdateProfile(ctx context.Context, id string, p ginjwt.ProfileUpdate) (U, error) {
	cols := map[string]any{"updated_at": now()}
	if p.Username != nil {
		cols["username"] = *p.Username
	}
	if p.NormalizedUsername != nil {
		cols["username_normalized"] = nullable(*p.NormalizedUsername)
	}
	if p.FirstName != nil {
		cols["first_name"] = *p.FirstName
	}
	if p.LastName != nil {
		cols["last_name"] = *p.LastName
	}
	if !searchable(id) {
		var zero U
		return zero, ginjwt.ErrUserNotFound
	}
	err := s.do(ctx, "UpdateProfile", func(db *gorm.DB) error {
		res := db.Model(new(U)).Where("id = ?", id).UpdateColumns(cols)
		switch {
		case res.Error != nil && isUniqueViolation(db, res.Error):
			return fmt.Errorf("gormstore: UpdateProfile: %w", ginjwt.ErrUsernameTaken)
		case res.Error != nil:
			return res.Error
		case res.RowsAffected == 0:
			return ginjwt.ErrUserNotFound
		}
		return nil
	})
	if err != nil {
		var zero U
		return zero, err
	}
	return s.FindUserByID(ctx, id)
}
