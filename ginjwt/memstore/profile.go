package memstore

import (
	"context"
	"errors"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// UpdateProfile implements [ginjwt.ProfileUpdater]. It needs
// Model.SetProfile.
func (s *Generic[U]) UpdateProfile(ctx context.Context, id string, p ginjwt.ProfileUpdate) (U, error) {
	var zero U
	if err := ctxErr(ctx); err != nil {
		return zero, err
	}
	if s.model.SetProfile == nil {
		return zero, errors.New("memstore: UpdateProfile needs Model.SetProfile")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.users[id]
	if !ok {
		return zero, ginjwt.ErrUserNotFound
	}
	if p.NormalizedUsername != nil && *p.NormalizedUsername != "" {
		if owner, taken := s.names[*p.NormalizedUsername]; taken && owner != id {
			return zero, ginjwt.ErrUsernameTaken
		}
	}
	s.model.SetProfile(&e.u, p)
	if p.NormalizedUsername != nil {
		if e.name != "" {
			delete(s.names, e.name)
		}
		if e.name = *p.NormalizedUsername; e.name != "" {
			s.names[e.name] = id
		}
	}
	s.touch(&e.u)
	return s.clone(e.u), nil
}
