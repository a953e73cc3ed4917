package mongostore

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// sessionDoc is a document of the sessions collection.
type sessionDoc struct {
	ID         string     `bson:"_id"`
	UserID     string     `bson:"user_id"`
	CreatedAt  time.Time  `bson:"created_at"`
	LastUsedAt time.Time  `bson:"last_used_at"`
	ExpiresAt  time.Time  `bson:"expires_at"`
	RevokedAt  *time.Time `bson:"revoked_at"` // null while not revoked
	UserAgent  string     `bson:"user_agent"`
	IP         string     `bson:"ip"`
	// CredVersion is the user's credentials version at creation; absent
	// (0) in documents written before it existed.
	CredVersion int64 `bson:"credentials_version"`
	// CSRFToken is the session's anti-CSRF token; absent ("") in
	// documents written before it existed.
	CSRFToken string `bson:"csrf_token,omitempty"`
}

// tokenDoc is a document of the refresh_tokens collection: one refresh
// token ever issued, spent or not (spent ones also have a spentDoc).
type tokenDoc struct {
	Hash      string    `bson:"_id"`
	SessionID string    `bson:"session_id"`
	CreatedAt time.Time `bson:"created_at"`
	// CheckAt is when the purge next checks whether the session is gone
	// (its expiry when the token was written); see sweepOrphans.
	CheckAt time.Time `bson:"check_at"`
}

// spentDoc is a document of the spent_refresh_tokens collection. Its
// insertion is what decides the one winner of concurrent rotations.
type spentDoc struct {
	Hash      string    `bson:"_id"`
	SessionID string    `bson:"session_id"`
	SpentAt   time.Time `bson:"spent_at"`
	CheckAt   time.Time `bson:"check_at"`
}

// revokedDoc is a document of the revoked_sessions collection: the record
// of a revocation that a concurrent stale write on FerretDB cannot undo
// (see revoke.go).
type revokedDoc struct {
	SessionID string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	RevokedAt time.Time `bson:"revoked_at"`
	CheckAt   time.Time `bson:"check_at"`
}

// validKey reports whether s can be a key the store wrote: BSON strings
// are UTF-8, and what the store writes always is. Look-ups answer "not
// found" for any other string without asking the server, which might
// reject it with an error that callers would take for an outage.
func validKey(s string) bool { return utf8.ValidString(s) }

// dbTime is t as stored: UTC with millisecond precision, the precision of
// a BSON date, so that what a store call returns equals what a later read
// returns.
func dbTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}

func newSessionDoc(s ginjwt.Session) sessionDoc {
	d := sessionDoc{
		ID:          s.ID,
		UserID:      s.UserID,
		CreatedAt:   dbTime(s.CreatedAt),
		LastUsedAt:  dbTime(s.LastUsedAt),
		ExpiresAt:   dbTime(s.ExpiresAt),
		UserAgent:   strings.ToValidUTF8(s.UserAgent, "\uFFFD"),
		IP:          strings.ToValidUTF8(s.IP, "\uFFFD"),
		CredVersion: s.CredentialsVersion,
		CSRFToken:   s.CSRFToken,
	}
	if !s.RevokedAt.IsZero() {
		r := dbTime(s.RevokedAt)
		d.RevokedAt = &r
	}
	return d
}

func (d sessionDoc) session() ginjwt.Session {
	s := ginjwt.Session{
		ID:                 d.ID,
		UserID:             d.UserID,
		CreatedAt:          d.CreatedAt.UTC(),
		LastUsedAt:         d.LastUsedAt.UTC(),
		ExpiresAt:          d.ExpiresAt.UTC(),
		UserAgent:          d.UserAgent,
		IP:                 d.IP,
		CredentialsVersion: d.CredVersion,
		CSRFToken:          d.CSRFToken,
	}
	if d.RevokedAt != nil {
		s.RevokedAt = d.RevokedAt.UTC()
	}
	return s
}
