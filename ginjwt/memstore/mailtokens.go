package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// mailToken is a stored mail token and whether it was spent.
type mailToken struct {
	t     ginjwt.MailToken
	spent bool
}

// CreateMailToken implements [ginjwt.MailTokenStore]. It fails when the
// hash is already stored.
func (s *Generic[U]) CreateMailToken(ctx context.Context, t ginjwt.MailToken) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.mail[t.Hash]; dup {
		return fmt.Errorf("memstore: mail token hash already stored")
	}
	s.mail[t.Hash] = &mailToken{t: t}
	return nil
}

// ConsumeMailToken implements [ginjwt.MailTokenStore].
func (s *Generic[U]) ConsumeMailToken(ctx context.Context, kind ginjwt.MailTokenKind, hash string, now time.Time) (ginjwt.MailToken, error) {
	if err := ctxErr(ctx); err != nil {
		return ginjwt.MailToken{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.mail[hash]
	if !ok || m.spent || m.t.Kind != kind || !now.Before(m.t.ExpiresAt) {
		return ginjwt.MailToken{}, ginjwt.ErrMailTokenNotFound
	}
	m.spent = true
	return m.t, nil
}

// LatestMailToken implements [ginjwt.MailTokenStore]. It scans every
// token: the in-memory store is for tests and examples.
func (s *Generic[U]) LatestMailToken(ctx context.Context, userID string, kind ginjwt.MailTokenKind) (time.Time, error) {
	if err := ctxErr(ctx); err != nil {
		return time.Time{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var latest time.Time
	for _, m := range s.mail {
		if m.t.UserID == userID && m.t.Kind == kind && m.t.CreatedAt.After(latest) {
			latest = m.t.CreatedAt
		}
	}
	return latest, nil
}

// PurgeMailTokens implements [ginjwt.MailTokenStore].
func (s *Generic[U]) PurgeMailTokens(ctx context.Context, now time.Time) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for h, m := range s.mail {
		if m.t.ExpiresAt.Before(now) {
			delete(s.mail, h)
			n++
		}
	}
	return n, nil
}

// SetEmailVerified implements [ginjwt.EmailVerifier]; it needs
// Model.SetVerified.
func (s *Generic[U]) SetEmailVerified(ctx context.Context, id string, verified bool) error {
	if s.model.SetVerified == nil {
		return fmt.Errorf("memstore: SetEmailVerified needs Model.SetVerified")
	}
	return s.update(ctx, id, func(u *U) {
		s.model.SetVerified(u, verified)
		if s.model.Touch != nil {
			s.model.Touch(u, time.Now().UTC())
		}
	})
}
