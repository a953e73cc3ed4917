package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// FindUserByID returns the user with this id, or ginjwt.ErrUserNotFound.
// Any string is safe: it is only ever a bound parameter.
func (s *Store[U]) FindUserByID(ctx context.Context, id string) (U, error) {
	return s.findUser(ctx, "FindUserByID", "id", id)
}

// FindUserByEmail returns the user whose normalised email is
// normalizedEmail, or ginjwt.ErrUserNotFound.
func (s *Store[U]) FindUserByEmail(ctx context.Context, normalizedEmail string) (U, error) {
	return s.findUser(ctx, "FindUserByEmail", "email_normalized", normalizedEmail)
}

// FindUserByUsername implements [ginjwt.UsernameFinder]: the user whose
// normalised username is normalizedUsername, or ginjwt.ErrUserNotFound.
func (s *Store[U]) FindUserByUsername(ctx context.Context, normalizedUsername string) (U, error) {
	if normalizedUsername == "" {
		var zero U
		return zero, ginjwt.ErrUserNotFound
	}
	return s.findUser(ctx, "FindUserByUsername", "username_normalized", normalizedUsername)
}

// whichTaken tells, after a unique violation of u's insert, whether the
// email or the username was taken: the driver's message does not name the
// index alike on every database. A race that frees the email meanwhile
// can only change the error reported.
func (s *Store[U]) whichTaken(db *gorm.DB, u *User) error {
	if u.UsernameNormalized == nil {
		return ginjwt.ErrUserExists
	}
	var n int64
	if db.Model(new(U)).Where("email_normalized = ?", u.EmailNormalized).Count(&n).Error == nil && n == 0 {
		return ginjwt.ErrUsernameTaken
	}
	return ginjwt.ErrUserExists
}

// nullable returns nil for "", so that the column holds NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Store[U]) findUser(ctx context.Context, op, column, value string) (U, error) {
	var zero U
	if !searchable(value) {
		return zero, ginjwt.ErrUserNotFound
	}
	u := new(U)
	err := s.do(ctx, op, func(db *gorm.DB) error {
		// Find with Limit rather than First: no ErrRecordNotFound to log.
		res := db.Where(column+" = ?", value).Limit(1).Find(u)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ginjwt.ErrUserNotFound
		}
		return nil
	})
	if err != nil {
		return zero, err
	}
	base(u).toUTC()
	return *u, nil
}

// CreateUser stores an active, non-staff user with a new random id. It
// returns ginjwt.ErrUserExists when the normalised email is taken, which
// the unique index decides, also between racing creations.
func (s *Store[U]) CreateUser(ctx context.Context, nu ginjwt.NewUser) (U, error) {
	return s.CreateUserWith(ctx, nu, nil)
}

// CreateUserWith implements [ginjwt.UserCreator]: the user of CreateUser,
// completed by init (the application's own columns) before the one
// INSERT. An error of init is returned as is, and nothing is stored.
func (s *Store[U]) CreateUserWith(ctx context.Context, nu ginjwt.NewUser, init func(*U) error) (U, error) {
	var zero U
	if nu.NormalizedEmail == "" {
		return zero, fmt.Errorf("gormstore: CreateUser: %w", ginjwt.ErrEmptyEmail)
	}
	now := now()
	u := new(U)
	*base(u) = User{
		ID:                 newUUID(),
		Email:              nu.Email,
		EmailNormalized:    nu.NormalizedEmail,
		Username:           nu.Username,
		UsernameNormalized: nullable(nu.NormalizedUsername),
		FirstName:          nu.FirstName,
		LastName:           nu.LastName,
		PasswordHash:       nu.PasswordHash,
		Active:             true,
		CreatedAt:          now,
		UpdatedAt:          now,
	}
	if init != nil {
		if err := init(u); err != nil {
			return zero, err
		}
	}
	err := s.do(ctx, "CreateUser", func(db *gorm.DB) error {
		err := db.Create(u).Error
		if err != nil && isUniqueViolation(db, err) {
			return fmt.Errorf("gormstore: CreateUser: %w", s.whichTaken(db, base(u)))
		}
		return err
	})
	if err != nil {
		return zero, err
	}
	return *u, nil
}

// SetPasswordHash replaces the user's password hash, increments its
// credentials version and moves updated_at, in one UPDATE, or returns
// ginjwt.ErrUserNotFound.
func (s *Store[U]) SetPasswordHash(ctx context.Context, id, hash string) error {
	return s.updateUser(ctx, "SetPasswordHash", id, map[string]any{
		"password_hash":       hash,
		"credentials_version": gorm.Expr("credentials_version + 1"),
		"updated_at":          now(),
	})
}

// SwapPasswordHash implements [ginjwt.PasswordHashSwapper] with one
// conditional UPDATE.
func (s *Store[U]) SwapPasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	if !searchable(id) || !searchable(oldHash) {
		return false, nil
	}
	var swapped bool
	err := s.do(ctx, "SwapPasswordHash", func(db *gorm.DB) error {
		res := db.Model(new(U)).Where("id = ? AND password_hash = ?", id, oldHash).
			UpdateColumns(map[string]any{"password_hash": newHash, "updated_at": now()})
		swapped = res.RowsAffected == 1
		return res.Error
	})
	return err == nil && swapped, err
}

// SetUserActive implements [ginjwt.UserActivator]: it activates or
// deactivates the user, or returns ginjwt.ErrUserNotFound.
func (s *Store[U]) SetUserActive(ctx context.Context, id string, active bool) error {
	return s.updateUser(ctx, "SetUserActive", id, map[string]any{
		"is_active":  active,
		"updated_at": now(),
	})
}

// RecordLogin stores at as the user's last_login, or returns
// ginjwt.ErrUserNotFound. It leaves updated_at alone, as Django does.
func (s *Store[U]) RecordLogin(ctx context.Context, id string, at time.Time) error {
	return s.updateUser(ctx, "RecordLogin", id, map[string]any{
		"last_login": utc(at),
	})
}

// updateUser sets the columns of one user. A map, not a struct, so that
// false and "" are written too; UpdateColumns, so that GORM adds no
// updated_at of its own (in local time) and runs no update hooks.
func (s *Store[U]) updateUser(ctx context.Context, op, id string, cols map[string]any) error {
	if !searchable(id) {
		return ginjwt.ErrUserNotFound
	}
	return s.do(ctx, op, func(db *gorm.DB) error {
		res := db.Model(new(U)).Where("id = ?", id).UpdateColumns(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ginjwt.ErrUserNotFound
		}
		return nil
	})
}

// utc returns t in UTC with the microsecond precision that PostgreSQL
// keeps, so that both databases store and return the same instant. On
// SQLite, times are text and compare as text: one zone keeps that order
// right.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// now is the store's clock for the times it sets itself.
func now() time.Time { return utc(time.Now()) }
