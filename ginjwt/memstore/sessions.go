package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// sessionEntry is a stored session and the hashes of its refresh tokens.
type sessionEntry struct {
	s      ginjwt.Session
	hashes []string
}

// refreshToken is the state of one refresh-token hash.
type refreshToken struct {
	sessionID string
	spent     bool
	spentAt   time.Time
}

// utc returns s with every time in UTC.
func utc(s ginjwt.Session) ginjwt.Session {
	s.CreatedAt = s.CreatedAt.UTC()
	s.LastUsedAt = s.LastUsedAt.UTC()
	s.ExpiresAt = s.ExpiresAt.UTC()
	s.RevokedAt = s.RevokedAt.UTC()
	return s
}

// CreateSession stores s and makes refreshHash its first live refresh
// token. It fails when the session id or the hash is already stored.
func (s *Generic[U]) CreateSession(ctx context.Context, sess ginjwt.Session, refreshHash string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.sessions[sess.ID]; dup {
		return fmt.Errorf("memstore: session %q already exists", sess.ID)
	}
	if _, dup := s.tokens[refreshHash]; dup {
		return fmt.Errorf("memstore: refresh token hash already stored")
	}
	s.sessions[sess.ID] = &sessionEntry{s: utc(sess), hashes: []string{refreshHash}}
	s.tokens[refreshHash] = &refreshToken{sessionID: sess.ID}
	return nil
}

// RotateRefreshToken spends oldHash and makes newHash a live refresh token
// of the same session; see ginjwt.SessionStore for the errors.
func (s *Generic[U]) RotateRefreshToken(ctx context.Context, oldHash, newHash string, now, expiresAt time.Time) (ginjwt.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return ginjwt.Session{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := s.tokens[oldHash]
	if !ok {
		return ginjwt.Session{}, ginjwt.ErrSessionNotFound
	}
	e, ok := s.sessions[tok.sessionID]
	if !ok || !e.s.Live(now) {
		return ginjwt.Session{}, ginjwt.ErrSessionNotFound
	}
	if tok.spent {
		return ginjwt.Session{}, &ginjwt.ReuseError{Session: e.s, SpentAt: tok.spentAt}
	}
	if _, dup := s.tokens[newHash]; dup {
		return ginjwt.Session{}, fmt.Errorf("memstore: refresh token hash already stored")
	}
	tok.spent, tok.spentAt = true, now.UTC()
	s.tokens[newHash] = &refreshToken{sessionID: e.s.ID}
	e.hashes = append(e.hashes, newHash)
	e.s.LastUsedAt = now.UTC()
	e.s.ExpiresAt = expiresAt.UTC()
	return e.s, nil
}

// AddRefreshToken makes hash another live refresh token of a live session,
// or returns ginjwt.ErrSessionNotFound.
func (s *Generic[U]) AddRefreshToken(ctx context.Context, sessionID, hash string, now time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.sessions[sessionID]
	if !ok || !e.s.Live(now) {
		return ginjwt.ErrSessionNotFound
	}
	if _, dup := s.tokens[hash]; dup {
		return fmt.Errorf("memstore: refresh token hash already stored")
	}
	s.tokens[hash] = &refreshToken{sessionID: sessionID}
	e.hashes = append(e.hashes, hash)
	return nil
}

// Session returns the session with this id, revoked or not, or
// ginjwt.ErrSessionNotFound.
func (s *Generic[U]) Session(ctx context.Context, id string) (ginjwt.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return ginjwt.Session{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.sessions[id]
	if !ok {
		return ginjwt.Session{}, ginjwt.ErrSessionNotFound
	}
	return e.s, nil
}

// ListSessions returns the user's live sessions at now, newest first.
func (s *Generic[U]) ListSessions(ctx context.Context, userID string, now time.Time) ([]ginjwt.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var live []ginjwt.Session
	for _, e := range s.sessions {
		if e.s.UserID == userID && e.s.Live(now) {
			live = append(live, e.s)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(live, func(a, b ginjwt.Session) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return live, nil
}

// RevokeSession revokes one live session at now, or returns
// ginjwt.ErrSessionNotFound.
func (s *Generic[U]) RevokeSession(ctx context.Context, id string, now time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.sessions[id]
	if !ok || !e.s.Live(now) {
		return ginjwt.ErrSessionNotFound
	}
	e.s.RevokedAt = now.UTC()
	return nil
}

// RevokeUserSessions revokes every live session of the user at now and
// returns how many it revoked.
func (s *Generic[U]) RevokeUserSessions(ctx context.Context, userID string, now time.Time) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.sessions {
		if e.s.UserID == userID && e.s.Live(now) {
			e.s.RevokedAt = now.UTC()
			n++
		}
	}
	return n, nil
}

// PurgeExpired deletes the sessions that are expired at now, revoked or not,
// with their refresh-token hashes, and returns how many sessions it deleted.
func (s *Generic[U]) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, e := range s.sessions {
		if now.Before(e.s.ExpiresAt) {
			continue
		}
		for _, h := range e.hashes {
			delete(s.tokens, h)
		}
		delete(s.sessions, id)
		n++
	}
	return n, nil
}
