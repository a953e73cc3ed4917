package gormstore

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// liveSQL is the condition, on the session table, of a live session at
// the time bound to its one parameter.
const liveSQL = "revoked_at IS NULL AND expires_at > ?"

func (s *Store[U]) sessions(db *gorm.DB) *gorm.DB { return db.Table(s.opts.sessionTable) }
func (s *Store[U]) tokens(db *gorm.DB) *gorm.DB   { return db.Table(s.opts.tokenTable) }

// CreateSession stores sess and refreshHash, its first refresh token, in
// one transaction. A zero LastUsedAt is taken to be CreatedAt.
func (s *Store[U]) CreateSession(ctx context.Context, sess ginjwt.Session, refreshHash string) error {
	row := toSessionRow(sess)
	if sess.LastUsedAt.IsZero() {
		row.LastUsedAt = row.CreatedAt
	}
	tok := refreshTokenRow{Hash: refreshHash, SessionID: row.ID, CreatedAt: row.CreatedAt}
	return s.do(ctx, "CreateSession", func(db *gorm.DB) error {
		return db.Transaction(func(tx *gorm.DB) error {
			if err := s.sessions(tx).Create(&row).Error; err != nil {
				return err
			}
			return s.tokens(tx).Create(&tok).Error
		})
	})
}

// AddRefreshToken makes hash another live refresh token of the live
// session sessionID, or returns ginjwt.ErrSessionNotFound.
func (s *Store[U]) AddRefreshToken(ctx context.Context, sessionID, hash string, now time.Time) error {
	if !searchable(sessionID) {
		return ginjwt.ErrSessionNotFound
	}
	t := utc(now)
	return s.do(ctx, "AddRefreshToken", func(db *gorm.DB) error {
		return db.Transaction(func(tx *gorm.DB) error {
			var n int64
			if err := s.sessions(tx).Where("id = ?", sessionID).Where(liveSQL, t).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ginjwt.ErrSessionNotFound
			}
			// A revocation that commits between the check and the insert
			// leaves a token that the revocation already keeps from rotating.
			return s.tokens(tx).Create(&refreshTokenRow{Hash: hash, SessionID: sessionID, CreatedAt: t}).Error
		})
	})
}

// Session returns the session with this id, revoked or not, or
// ginjwt.ErrSessionNotFound.
func (s *Store[U]) Session(ctx context.Context, id string) (ginjwt.Session, error) {
	if !searchable(id) {
		return ginjwt.Session{}, ginjwt.ErrSessionNotFound
	}
	var row sessionRow
	err := s.do(ctx, "Session", func(db *gorm.DB) (err error) {
		row, err = s.findSession(db, id)
		return err
	})
	if err != nil {
		return ginjwt.Session{}, err
	}
	return row.session(), nil
}

// findSession loads one session row, or returns ginjwt.ErrSessionNotFound.
func (s *Store[U]) findSession(db *gorm.DB, id string) (sessionRow, error) {
	var row sessionRow
	res := s.sessions(db).Where("id = ?", id).Limit(1).Find(&row)
	if res.Error != nil {
		return row, res.Error
	}
	if res.RowsAffected == 0 {
		return row, ginjwt.ErrSessionNotFound
	}
	return row, nil
}

// ListSessions returns the user's live sessions at now, newest first (by
// creation, then id). The slice is empty, not nil, when there are none.
func (s *Store[U]) ListSessions(ctx context.Context, userID string, now time.Time) ([]ginjwt.Session, error) {
	out := []ginjwt.Session{}
	if !searchable(userID) {
		return out, nil
	}
	var rows []sessionRow
	err := s.do(ctx, "ListSessions", func(db *gorm.DB) error {
		return s.sessions(db).Where("user_id = ?", userID).Where(liveSQL, utc(now)).
			Order("created_at DESC").Order("id DESC").Find(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, r.session())
	}
	return out, nil
}

// RevokeSession revokes the live session id at now, or returns
// ginjwt.ErrSessionNotFound when it is unknown, revoked or expired.
func (s *Store[U]) RevokeSession(ctx context.Context, id string, now time.Time) error {
	if !searchable(id) {
		return ginjwt.ErrSessionNotFound
	}
	n, err := s.revoke(ctx, "RevokeSession", "id = ?", id, now)
	if err != nil {
		return err
	}
	if n == 0 {
		return ginjwt.ErrSessionNotFound
	}
	return nil
}

// RevokeUserSessions revokes every live session of the user at now and
// returns how many it revoked.
func (s *Store[U]) RevokeUserSessions(ctx context.Context, userID string, now time.Time) (int, error) {
	if !searchable(userID) {
		return 0, nil
	}
	return s.revoke(ctx, "RevokeUserSessions", "user_id = ?", userID, now)
}

// revoke sets revoked_at on the live sessions that match where.
func (s *Store[U]) revoke(ctx context.Context, op, where, arg string, now time.Time) (int, error) {
	t := utc(now)
	var n int64
	err := s.do(ctx, op, func(db *gorm.DB) error {
		res := s.sessions(db).Where(where, arg).Where(liveSQL, t).
			Updates(map[string]any{"revoked_at": t})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// PurgeExpired deletes, in one transaction, the sessions that expired
// before now, revoked or not, and their refresh-token hashes. It returns
// how many sessions it deleted.
func (s *Store[U]) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	t := utc(now)
	var n int64
	err := s.do(ctx, "PurgeExpired", func(db *gorm.DB) error {
		return db.Transaction(func(tx *gorm.DB) error {
			expired := s.sessions(tx).Select("id").Where("expires_at < ?", t)
			err := s.tokens(tx).Where("session_id IN (?)", expired).Delete(&refreshTokenRow{}).Error
			if err != nil {
				return err
			}
			res := s.sessions(tx).Where("expires_at < ?", t).Delete(&sessionRow{})
			n = res.RowsAffected
			return res.Error
		})
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
