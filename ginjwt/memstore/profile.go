package memstore

import (
	"context"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

var _ ginjwt.ProfileUpdater[User] = (*Store)(nil)

// UpdateProfile implements [ginjwt.ProfileUpdater].
func (s *Store) UpdateProfile(ctx context.Context, id string, p ginjwt.ProfileUpdate) (User, error) {
	if err := ctxErr(ctx); err != nil {
		return User{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return User{}, ginjwt.ErrUserNotFound
	}
	if p.NormalizedUsername != nil && *p.NormalizedUsername != "" {
		if owner, taken := s.names[*p.NormalizedUsername]; taken && owner != id {
			return User{}, ginjwt.ErrUsernameTaken
		}
	}
	if p.Username != nil {
		u.Username = *p.Username
	}
	if p.NormalizedUsername != nil {
		if u.UsernameNormalized != "" {
			delete(s.names, u.UsernameNormalized)
		}
		if u.UsernameNormalized = *p.NormalizedUsername; u.UsernameNormalized != "" {
			s.names[u.UsernameNormalized] = id
		}
	}
	if p.FirstName != nil {
		u.FirstName = *p.FirstName
	}
	if p.LastName != nil {
		u.LastName = *p.LastName
	}
	u.UpdatedAt = time.Now().UTC()
	s.users[id] = u
	return u.clone(), nil
}
