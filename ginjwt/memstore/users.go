package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// FindUserByID returns a copy of the user whose id is id, or
// ginjwt.ErrUserNotFound.
func (s *Generic[U]) FindUserByID(ctx context.Context, id string) (U, error) {
	var zero U
	if err := ctxErr(ctx); err != nil {
		return zero, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.users[id]
	if !ok {
		return zero, ginjwt.ErrUserNotFound
	}
	return s.clone(e.u), nil
}

// FindUserByEmail returns a copy of the user whose normalised email equals
// normalizedEmail exactly, or ginjwt.ErrUserNotFound.
func (s *Generic[U]) FindUserByEmail(ctx context.Context, normalizedEmail string) (U, error) {
	return s.findBy(ctx, s.emails, normalizedEmail)
}

// FindUserByUsername implements [ginjwt.UsernameFinder]: a copy of the
// user whose normalised username equals normalizedUsername exactly, or
// ginjwt.ErrUserNotFound.
func (s *Generic[U]) FindUserByUsername(ctx context.Context, normalizedUsername string) (U, error) {
	return s.findBy(ctx, s.names, normalizedUsername)
}

// findBy looks key up in index, an index of the store.
func (s *Generic[U]) findBy(ctx context.Context, index map[string]string, key string) (U, error) {
	var zero U
	if err := ctxErr(ctx); err != nil {
		return zero, err
	}
	if key == "" {
		return zero, ginjwt.ErrUserNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := index[key]
	if !ok {
		return zero, ginjwt.ErrUserNotFound
	}
	return s.clone(s.users[id].u), nil
}

// CreateUser stores a new active, non-staff user with a random id, or
// returns ginjwt.ErrUserExists when its normalised email is taken, or
// ginjwt.ErrUsernameTaken when its normalised username is.
func (s *Generic[U]) CreateUser(ctx context.Context, nu ginjwt.NewUser) (U, error) {
	return s.CreateUserWith(ctx, nu, nil)
}

// CreateUserWith implements [ginjwt.UserCreator]: the user of CreateUser,
// completed by init before it is stored. An error of init is returned as
// is, and nothing is stored.
func (s *Generic[U]) CreateUserWith(ctx context.Context, nu ginjwt.NewUser, init func(*U) error) (U, error) {
	var zero U
	if err := ctxErr(ctx); err != nil {
		return zero, err
	}
	if nu.NormalizedEmail == "" {
		return zero, fmt.Errorf("memstore: %w", ginjwt.ErrEmptyEmail)
	}
	u := s.model.New(newID(), nu, time.Now().UTC())
	if init != nil {
		if err := init(&u); err != nil {
			return zero, err
		}
	}
	e := &entry[U]{u: s.clone(u), email: nu.NormalizedEmail, name: nu.NormalizedUsername}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.emails[e.email]; taken {
		return zero, ginjwt.ErrUserExists
	}
	if _, taken := s.names[e.name]; taken && e.name != "" {
		return zero, ginjwt.ErrUsernameTaken
	}
	id := u.Subject()
	s.users[id] = e
	s.emails[e.email] = id
	if e.name != "" {
		s.names[e.name] = id
	}
	return u, nil
}

// SetPasswordHash replaces the user's password hash ("" removes it) and
// increments its credentials version, or returns ginjwt.ErrUserNotFound.
func (s *Generic[U]) SetPasswordHash(ctx context.Context, id, hash string) error {
	return s.update(ctx, id, func(u *U) {
		s.model.SetPasswordHash(u, hash, (*u).CredentialsVersion()+1)
	})
}

// SwapPasswordHash implements [ginjwt.PasswordHashSwapper].
func (s *Generic[U]) SwapPasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.users[id]
	if !ok || e.u.HashedPassword() != oldHash {
		return false, nil
	}
	s.model.SetPasswordHash(&e.u, newHash, e.u.CredentialsVersion())
	s.touch(&e.u)
	return true, nil
}

// RecordLogin sets the user's last sign-in time, or returns
// ginjwt.ErrUserNotFound.
func (s *Generic[U]) RecordLogin(ctx context.Context, id string, at time.Time) error {
	return s.update(ctx, id, func(u *U) {
		if s.model.SetLastLogin != nil {
			s.model.SetLastLogin(u, at.UTC())
		}
	})
}

// SetActive activates or deactivates the user, or returns
// ginjwt.ErrUserNotFound. An inactive user cannot authenticate.
func (s *Generic[U]) SetActive(id string, active bool) error {
	return s.SetUserActive(context.Background(), id, active)
}

// SetUserActive implements [ginjwt.UserActivator].
func (s *Generic[U]) SetUserActive(ctx context.Context, id string, active bool) error {
	return s.update(ctx, id, func(u *U) {
		s.model.SetActive(u, active)
		s.touch(u)
	})
}

// SetStaff grants or withdraws the staff flag, or returns
// ginjwt.ErrUserNotFound. It needs Model.SetStaff.
func (s *Generic[U]) SetStaff(id string, staff bool) error {
	if s.model.SetStaff == nil {
		return fmt.Errorf("memstore: SetStaff needs Model.SetStaff")
	}
	return s.update(context.Background(), id, func(u *U) {
		s.model.SetStaff(u, staff)
		s.touch(u)
	})
}

// update applies change to the stored user with this id.
func (s *Generic[U]) update(ctx context.Context, id string, change func(*U)) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.users[id]
	if !ok {
		return ginjwt.ErrUserNotFound
	}
	change(&e.u)
	return nil
}
