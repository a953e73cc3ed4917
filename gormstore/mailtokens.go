package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// mailTokenRow is a row of the mail-token table: the hash of a token sent
// by mail, never the token. Its table name comes from the store's options.
type mailTokenRow struct {
	Hash        string     `gorm:"column:hash;primaryKey"`
	Kind        string     `gorm:"column:kind;not null"`
	UserID      string     `gorm:"column:user_id;not null;index:mail_tokens_user_kind"`
	CredVersion int64      `gorm:"column:credentials_version;not null;default:0"`
	CreatedAt   time.Time  `gorm:"column:created_at;not null;autoCreateTime:false"`
	ExpiresAt   time.Time  `gorm:"column:expires_at;not null;index"`
	SpentAt     *time.Time `gorm:"column:spent_at"`
}

func (r mailTokenRow) token() ginjwt.MailToken {
	return ginjwt.MailToken{
		Hash: r.Hash, Kind: ginjwt.MailTokenKind(r.Kind), UserID: r.UserID,
		CredentialsVersion: r.CredVersion,
		CreatedAt:          r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
	}
}

// CreateMailToken implements [ginjwt.MailTokenStore].
func (s *Store[U]) CreateMailToken(ctx context.Context, t ginjwt.MailToken) error {
	row := mailTokenRow{
		Hash: t.Hash, Kind: string(t.Kind), UserID: t.UserID, CredVersion: t.CredentialsVersion,
		CreatedAt: utc(t.CreatedAt), ExpiresAt: utc(t.ExpiresAt),
	}
	return s.do(ctx, "CreateMailToken", func(db *gorm.DB) error {
		return db.Table(s.opts.mailTable).Create(&row).Error
	})
}

// ConsumeMailToken implements [ginjwt.MailTokenStore]. One conditional
// UPDATE decides: it sets spent_at only on a row still unspent and
// unexpired, and the database lets exactly one of racing UPDATEs change
// the row (SQLite serialises writers; PostgreSQL re-checks the condition
// on the row it locked).
func (s *Store[U]) ConsumeMailToken(ctx context.Context, kind ginjwt.MailTokenKind, hash string, now time.Time) (ginjwt.MailToken, error) {
	if !searchable(hash) {
		return ginjwt.MailToken{}, ginjwt.ErrMailTokenNotFound
	}
	now = utc(now)
	var row mailTokenRow
	err := s.do(ctx, "ConsumeMailToken", func(db *gorm.DB) error {
		res := db.Table(s.opts.mailTable).
			Where("hash = ? AND kind = ? AND spent_at IS NULL AND expires_at > ?", hash, string(kind), now).
			UpdateColumn("spent_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ginjwt.ErrMailTokenNotFound
		}
		return db.Table(s.opts.mailTable).Where("hash = ?", hash).Take(&row).Error
	})
	if err != nil {
		return ginjwt.MailToken{}, err
	}
	return row.token(), nil
}

// LatestMailToken implements [ginjwt.MailTokenStore].
func (s *Store[U]) LatestMailToken(ctx context.Context, userID string, kind ginjwt.MailTokenKind) (time.Time, error) {
	if !searchable(userID) {
		return time.Time{}, nil
	}
	var rows []mailTokenRow
	err := s.do(ctx, "LatestMailToken", func(db *gorm.DB) error {
		return db.Table(s.opts.mailTable).Where("user_id = ? AND kind = ?", userID, string(kind)).
			Order("created_at DESC").Limit(1).Find(&rows).Error
	})
	if err != nil || len(rows) == 0 {
		return time.Time{}, err
	}
	return rows[0].CreatedAt.UTC(), nil
}

// PurgeMailTokens implements [ginjwt.MailTokenStore].
func (s *Store[U]) PurgeMailTokens(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.do(ctx, "PurgeMailTokens", func(db *gorm.DB) error {
		res := db.Table(s.opts.mailTable).Where("expires_at < ?", utc(now)).Delete(&mailTokenRow{})
		n = res.RowsAffected
		return res.Error
	})
	return int(n), err
}

// SetEmailVerified implements [ginjwt.EmailVerifier].
func (s *Store[U]) SetEmailVerified(ctx context.Context, id string, verified bool) error {
	return s.updateUser(ctx, "SetEmailVerified", id, map[string]any{
		"is_verified": verified,
		"updated_at":  now(),
	})
}

// MarkAllVerified marks every user's email verified and returns how many
// users it changed: a one-off migration step for applications whose
// users signed up before verification existed and whose addresses they
// trust (Migrate adds is_verified as false to existing rows, and a
// sign-in policy that requires a verified email would lock them out). It
// runs under ctx alone, like Migrate.
func (s *Store[U]) MarkAllVerified(ctx context.Context) (int, error) {
	res := s.db.WithContext(ctx).Model(new(U)).Where("is_verified = ?", false).
		UpdateColumns(map[string]any{"is_verified": true, "updated_at": now()})
	if res.Error != nil {
		return 0, fmt.Errorf("gormstore: MarkAllVerified: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}
