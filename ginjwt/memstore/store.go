package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Compile-time checks that Store implements the store contracts.
var (
	_ ginjwt.UserStore[User]      = (*Store)(nil)
	_ ginjwt.SessionStore         = (*Store)(nil)
	_ ginjwt.UserCreator[User]    = (*Store)(nil)
	_ ginjwt.UserActivator        = (*Store)(nil)
	_ ginjwt.PasswordHashSwapper  = (*Store)(nil)
	_ ginjwt.UsernameFinder[User] = (*Store)(nil)
	_ ginjwt.ProfileUpdater[User] = (*Store)(nil)
	_ ginjwt.User                 = User{}
	_ ginjwt.UserStore[User]      = (*Store)(nil)
	_ ginjwt.SessionStore         = (*Store)(nil)
	_ ginjwt.UserCreator[User]    = (*Store)(nil)
	_ ginjwt.UserActivator        = (*Store)(nil)
	_ ginjwt.User                 = User{}
	_ ginjwt.MailTokenStore       = (*Store)(nil)
	_ ginjwt.EmailVerifier        = (*Store)(nil)
	_ ginjwt.VerifiedUser         = User{}
)

// Model is what a [Generic] store needs to build and change users of an
// application's type U: the few fields it writes. It reads the rest
// through the ginjwt.User methods. The store keeps the normalised email
// and username itself, from the ginjwt.NewUser and ginjwt.ProfileUpdate it
// is given.
type Model[U ginjwt.User] struct {
	// New returns a new, active, non-staff user with this id and the
	// fields of nu, created at now. Required.
	New func(id string, nu ginjwt.NewUser, now time.Time) U
	// SetPasswordHash sets the password hash and the credentials version.
	// Required.
	SetPasswordHash func(u *U, hash string, credentialsVersion int64)
	// SetActive sets whether the user may authenticate. Required.
	SetActive func(u *U, active bool)
	// Touch records a change at now (an updated_at field). Optional.
	Touch func(u *U, now time.Time)
	// SetLastLogin records a successful sign-in. Optional: without it
	// RecordLogin only checks that the user exists.
	SetLastLogin func(u *U, at time.Time)
	// SetProfile applies the non-nil fields of a profile update (the
	// normalised username is the store's own). Optional: without it
	// UpdateProfile fails, and the profile route answers 503.
	SetProfile func(u *U, p ginjwt.ProfileUpdate)
	// SetStaff grants or withdraws the staff flag, for [Generic.SetStaff].
	// Optional.
	SetStaff func(u *U, staff bool)
	// SetVerified records whether the email is verified, for
	// [Generic.SetEmailVerified]. Optional: without it that fails.
	SetVerified func(u *U, verified bool)
	// Clone returns a copy of u that shares no memory with it (copy what
	// pointers, slices and maps point at). Optional: without it, users
	// are copied as values.
	Clone func(u U) U
}

// Generic holds users of any type U, sessions and refresh-token hashes in
// memory, so that applications with their own user model can test without
// a database. It is safe for concurrent use. Build it with [NewFor]; the
// zero value is not usable.
type Generic[U ginjwt.User] struct {
	model    Model[U]
	mu       sync.RWMutex
	users    map[string]*entry[U]     // by id
	emails   map[string]string        // normalised email -> id
	names    map[string]string        // normalised username -> id
	sessions map[string]*sessionEntry // by session id
	tokens   map[string]*refreshToken // by refresh-token hash
	mail     map[string]*mailToken    // by mail-token hash
}

// entry is a stored user and its normalised keys.
type entry[U ginjwt.User] struct {
	u     U
	email string
	name  string // "" for none
}

// Store is the in-memory store of the ready-made [User].
type Store = Generic[User]

// New returns an empty store of [User].
func New() *Store { return NewFor(userModel) }

// NewFor returns an empty store of users of type U, built and changed
// through m. It panics, naming the field, if a required function of m is
// missing.
//
//	store := memstore.NewFor(memstore.Model[Account]{
//		New: func(id string, nu ginjwt.NewUser, _ time.Time) Account {
//			return Account{ID: id, Email: nu.Email, Active: true}
//		},
//		SetPasswordHash: func(a *Account, h string, v int64) { a.Hash, a.Version = h, v },
//		SetActive:       func(a *Account, on bool) { a.Active = on },
//	})
func NewFor[U ginjwt.User](m Model[U]) *Generic[U] {
	switch {
	case m.New == nil:
		panic("memstore: NewFor: Model.New is required")
	case m.SetPasswordHash == nil:
		panic("memstore: NewFor: Model.SetPasswordHash is required")
	case m.SetActive == nil:
		panic("memstore: NewFor: Model.SetActive is required")
	}
	return &Generic[U]{
		model:    m,
		users:    make(map[string]*entry[U]),
		emails:   make(map[string]string),
		names:    make(map[string]string),
		sessions: make(map[string]*sessionEntry),
		tokens:   make(map[string]*refreshToken),
		mail:     make(map[string]*mailToken),
	}
}

// clone returns a copy of u that the caller may change freely.
func (s *Generic[U]) clone(u U) U {
	if s.model.Clone != nil {
		return s.model.Clone(u)
	}
	return u
}

// touch records a change of u at now, if the model can.
func (s *Generic[U]) touch(u *U) {
	if s.model.Touch != nil {
		s.model.Touch(u, time.Now().UTC())
	}
}

// newID returns 128 random bits as 32 lower-case hex digits.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails; it crashes the program instead
	return hex.EncodeToString(b[:])
}

// ctxErr reports a cancelled or expired context, as a database would.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	return nil
}
