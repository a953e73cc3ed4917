package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// FindUserByID returns a copy of the user whose id is id, or
// ginjwt.ErrUserNotFound. It allocates only to copy LastLogin, so that the
// caller cannot change the stored time through the pointer.
func (s *Store) FindUserByID(ctx context.Context, id string) (User, error) {
	if err := ctxErr(ctx); err != nil {
		return User{}, err
	}
	s.mu.RLock()
	u, ok := s.users[id]
	s.mu.RUnlock()
	if !ok {
		return User{}, ginjwt.ErrUserNotFound
	}
	return u.clone(), nil
}

// FindUserByEmail returns a copy of the user whose normalised email equals
// normalizedEmail exactly, or ginjwt.ErrUserNotFound.
func (s *Store) FindUserByEmail(ctx context.Context, normalizedEmail string) (User, error) {
	if err := ctxErr(ctx); err != nil {
		return User{}, err
	}
	if normalizedEmail == "" {
		return User{}, ginjwt.ErrUserNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.emails[normalizedEmail]
	if !ok {
		return User{}, ginjwt.ErrUserNotFound
	}
	return s.users[id].clone(), nil
}

// CreateUser stores a new active, non-staff user with a random id, or
// returns ginjwt.ErrUserExists when its normalised email is taken.
func (s *Store) CreateUser(ctx context.Context, nu ginjwt.NewUser) (User, error) {
	return s.CreateUserWith(ctx, nu, nil)
}

// CreateUserWith implements [ginjwt.UserCreator]: the user of CreateUser,
// completed by init before it is stored. An error of init is returned as
// is, and nothing is stored.
func (s *Store) CreateUserWith(ctx context.Context, nu ginjwt.NewUser, init func(*User) error) (User, error) {
	if err := ctxErr(ctx); err != nil {
		return User{}, err
	}
	if nu.NormalizedEmail == "" {
		return User{}, fmt.Errorf("memstore: %w", ginjwt.ErrEmptyEmail)
	}
	now := time.Now().UTC()
	u := User{
		ID:                 newID(),
		Email:              nu.Email,
		EmailNormalized:    nu.NormalizedEmail,
		Username:           nu.Username,
		UsernameNormalized: nu.NormalizedUsername,
		FirstName:          nu.FirstName,
		LastName:           nu.LastName,
		PasswordHash:       nu.PasswordHash,
		Active:             true,
		CreatedAt:          now,
		UpdatedAt:          now,
	}
	if init != nil {
		if err := init(&u); err != nil {
			return User{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.emails[u.EmailNormalized]; taken {
		return User{}, ginjwt.ErrUserExists
	}
	if _, taken := s.names[u.UsernameNormalized]; taken && u.UsernameNormalized != "" {
		return User{}, ginjwt.ErrUsernameTaken
	}
	s.users[u.ID] = u
	s.emails[u.EmailNormalized] = u.ID
	if u.UsernameNormalized != "" {
		s.names[u.UsernameNormalized] = u.ID
	}
	return u, nil
}

// FindUserByUsername implements [ginjwt.UsernameFinder]: a copy of the
// user whose normalised username equals normalizedUsername exactly, or
// ginjwt.ErrUserNotFound.
func (s *Store) FindUserByUsername(ctx context.Context, normalizedUsername string) (User, error) {
	if err := ctxErr(ctx); err != nil {
		return User{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.names[normalizedUsername]
	if !ok || normalizedUsername == "" {
		return User{}, ginjwt.ErrUserNotFound
	}
	return s.users[id].clone(), nil
}

// SetPasswordHash replaces the user's password hash ("" removes it) and
// increments its credentials version, or returns ginjwt.ErrUserNotFound.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string) error {
	return s.update(ctx, id, func(u *User) {
		u.PasswordHash = hash
		u.CredVersion++
		u.UpdatedAt = time.Now().UTC()
	})
}

// SwapPasswordHash implements [ginjwt.PasswordHashSwapper].
func (s *Store) SwapPasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok || u.PasswordHash != oldHash {
		return false, nil
	}
	u.PasswordHash = newHash
	u.UpdatedAt = time.Now().UTC()
	s.users[id] = u
	return true, nil
}

// RecordLogin sets the user's last sign-in time, or returns
// ginjwt.ErrUserNotFound.
func (s *Store) RecordLogin(ctx context.Context, id string, at time.Time) error {
	at = at.UTC()
	return s.update(ctx, id, func(u *User) { u.LastLogin = &at })
}

// SetActive activates or deactivates the user, or returns
// ginjwt.ErrUserNotFound. An inactive user cannot authenticate.
func (s *Store) SetActive(id string, active bool) error {
	return s.update(context.Background(), id, func(u *User) {
		u.Active = active
		u.UpdatedAt = time.Now().UTC()
	})
}

// SetUserActive implements [ginjwt.UserActivator].
func (s *Store) SetUserActive(ctx context.Context, id string, active bool) error {
	return s.update(ctx, id, func(u *User) {
		u.Active = active
		u.UpdatedAt = time.Now().UTC()
	})
}

// SetStaff grants or withdraws the staff flag, or returns
// ginjwt.ErrUserNotFound.
func (s *Store) SetStaff(id string, staff bool) error {
	return s.update(context.Background(), id, func(u *User) {
		u.Staff = staff
		u.UpdatedAt = time.Now().UTC()
	})
}

// update applies change to the stored user with this id.
func (s *Store) update(ctx context.Context, id string, change func(*User)) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return ginjwt.ErrUserNotFound
	}
	change(&u)
	s.users[id] = u
	return nil
}
