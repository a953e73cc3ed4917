package gormstore

import (
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// sessionRow is a row of the session table. Its table name comes from the
// store's options, so the type has no TableName method.
type sessionRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	UserID     string     `gorm:"column:user_id;not null;index"`
	CreatedAt  time.Time  `gorm:"column:created_at;not null;autoCreateTime:false"`
	LastUsedAt time.Time  `gorm:"column:last_used_at;not null"`
	ExpiresAt  time.Time  `gorm:"column:expires_at;not null;index"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
	UserAgent  string     `gorm:"column:user_agent;not null"`
	IP         string     `gorm:"column:ip;not null"`
	// CredVersion is the user's credentials version at creation.
	CredVersion int64 `gorm:"column:credentials_version;not null;default:0"`
	// CSRFToken is the session's anti-CSRF token ("" in rows written
	// before it existed).
	CSRFToken string `gorm:"column:csrf_token;not null;default:''"`
}

// refreshTokenRow is a row of the refresh-token table: the hash of one
// refresh token of a session, and when it was spent (nil while live).
type refreshTokenRow struct {
	Hash      string     `gorm:"column:hash;primaryKey"`
	SessionID string     `gorm:"column:session_id;not null;index"`
	CreatedAt time.Time  `gorm:"column:created_at;not null;autoCreateTime:false"`
	SpentAt   *time.Time `gorm:"column:spent_at"`
}

func toSessionRow(s ginjwt.Session) sessionRow {
	r := sessionRow{
		ID:          s.ID,
		UserID:      s.UserID,
		CreatedAt:   utc(s.CreatedAt),
		LastUsedAt:  utc(s.LastUsedAt),
		ExpiresAt:   utc(s.ExpiresAt),
		UserAgent:   s.UserAgent,
		IP:          s.IP,
		CredVersion: s.CredentialsVersion,
		CSRFToken:   s.CSRFToken,
	}
	if !s.RevokedAt.IsZero() {
		t := utc(s.RevokedAt)
		r.RevokedAt = &t
	}
	return r
}

func (r sessionRow) session() ginjwt.Session {
	s := ginjwt.Session{
		ID:                 r.ID,
		UserID:             r.UserID,
		CreatedAt:          r.CreatedAt.UTC(),
		LastUsedAt:         r.LastUsedAt.UTC(),
		ExpiresAt:          r.ExpiresAt.UTC(),
		UserAgent:          r.UserAgent,
		IP:                 r.IP,
		CredentialsVersion: r.CredVersion,
		CSRFToken:          r.CSRFToken,
	}
	if r.RevokedAt != nil {
		s.RevokedAt = r.RevokedAt.UTC()
	}
	return s
}
