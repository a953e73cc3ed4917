package gormstore

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// RotateRefreshToken spends oldHash and makes newHash a live token of the
// same session, moving its last_used_at to now and expires_at to
// expiresAt.
//
// One conditional UPDATE decides the winner:
//
//	UPDATE refresh_tokens SET spent_at = now
//	WHERE hash = old AND spent_at IS NULL
//	  AND EXISTS (live session of the token)
//
// Of any number of concurrent callers, exactly one changes a row. On
// SQLite, writers are serialised by the database lock; on PostgreSQL a
// second UPDATE of the row waits for the first to commit and then, under
// READ COMMITTED, re-checks its WHERE clause against the new row version,
// where spent_at is no longer NULL. The winner then inserts newHash and
// moves the session in the same transaction. A loser looks the token up
// to tell a reuse (*ginjwt.ReuseError) from an unknown or dead session
// (ginjwt.ErrSessionNotFound).
func (s *Store[U]) RotateRefreshToken(ctx context.Context, oldHash, newHash string, now, expiresAt time.Time) (ginjwt.Session, error) {
	if !searchable(oldHash) {
		return ginjwt.Session{}, ginjwt.ErrSessionNotFound
	}
	t, exp := utc(now), utc(expiresAt)
	var out ginjwt.Session
	err := s.do(ctx, "RotateRefreshToken", func(db *gorm.DB) error {
		return db.Transaction(func(tx *gorm.DB) error {
			live := s.sessions(tx).Select("1").
				Where("? = ?", clause.Column{Table: s.opts.sessionTable, Name: "id"},
					clause.Column{Table: s.opts.tokenTable, Name: "session_id"}).
				Where(liveSQL, t)
			res := s.tokens(tx).Where("hash = ? AND spent_at IS NULL", oldHash).
				Where("EXISTS (?)", live).
				Update("spent_at", t)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return s.whyNotRotated(tx, oldHash, t)
			}
			var tok refreshTokenRow
			if err := s.tokens(tx).Where("hash = ?", oldHash).Take(&tok).Error; err != nil {
				return err
			}
			next := refreshTokenRow{Hash: newHash, SessionID: tok.SessionID, CreatedAt: t}
			if err := s.tokens(tx).Create(&next).Error; err != nil {
				return err
			}
			err := s.sessions(tx).Where("id = ?", tok.SessionID).
				Updates(map[string]any{"last_used_at": t, "expires_at": exp}).Error
			if err != nil {
				return err
			}
			row, err := s.findSession(tx, tok.SessionID)
			out = row.session()
			return err
		})
	})
	if err != nil {
		return ginjwt.Session{}, err
	}
	return out, nil
}

// whyNotRotated explains why oldHash could not be spent at now: a
// *ginjwt.ReuseError when it was already spent and its session is live,
// ginjwt.ErrSessionNotFound otherwise.
func (s *Store[U]) whyNotRotated(tx *gorm.DB, oldHash string, now time.Time) error {
	var tok refreshTokenRow
	res := s.tokens(tx).Where("hash = ?", oldHash).Limit(1).Find(&tok)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ginjwt.ErrSessionNotFound
	}
	row, err := s.findSession(tx, tok.SessionID)
	if err != nil {
		return err
	}
	sess := row.session()
	if !sess.Live(now) || tok.SpentAt == nil {
		// Dead session; or, with the token unspent, a session that was
		// not live when the UPDATE ran.
		return ginjwt.ErrSessionNotFound
	}
	return &ginjwt.ReuseError{Session: sess, SpentAt: tok.SpentAt.UTC()}
}
