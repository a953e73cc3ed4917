package gormstore

import (
	"errors"
	"fmt"
	"reflect"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Store keeps users of type U and their sessions in a GORM database. It
// implements both [ginjwt.UserStore] and [ginjwt.SessionStore], so one
// value serves as both. It is safe for concurrent use, also by several
// processes sharing the database.
//
// U is the application's user model: gormstore's own [User], or a struct
// that embeds it by value.
type Store[U ginjwt.User] struct {
	db   *gorm.DB
	opts options
}

var (
	_ ginjwt.UserStore[User]      = (*Store[User])(nil)
	_ ginjwt.SessionStore         = (*Store[User])(nil)
	_ ginjwt.UserCreator[User]    = (*Store[User])(nil)
	_ ginjwt.UserActivator        = (*Store[User])(nil)
	_ ginjwt.PasswordHashSwapper  = (*Store[User])(nil)
	_ ginjwt.UsernameFinder[User] = (*Store[User])(nil)
	_ ginjwt.MailTokenStore       = (*Store[User])(nil)
	_ ginjwt.EmailVerifier        = (*Store[User])(nil)
	_ ginjwt.VerifiedUser         = User{}
)

// New returns a store over db, an already opened database (SQLite opened
// with [SQLiteDSN], or PostgreSQL). The store never opens or closes
// connections itself. New fails when U does not embed [User] by value, or
// when GORM cannot parse U as a model.
//
// New does not create tables: call [Store.Migrate] at start-up, or run
// equivalent migrations of your own.
func New[U ginjwt.User](db *gorm.DB, opts ...Option) (*Store[U], error) {
	if db == nil {
		return nil, errors.New("gormstore: New: db is nil")
	}
	name := reflect.TypeFor[U]().String()
	e, ok := any(new(U)).(embedsUser)
	if !ok {
		return nil, fmt.Errorf("gormstore: New: user type %s does not embed gormstore.User; "+
			"embed it by value (type %s struct{ gormstore.User; ... }) or implement ginjwt.UserStore yourself", name, name)
	}
	if e.gormstoreUser() == nil {
		return nil, fmt.Errorf("gormstore: New: user type %s embeds *gormstore.User; embed gormstore.User by value", name)
	}
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(new(U)); err != nil {
		return nil, fmt.Errorf("gormstore: New: user type %s is not a valid GORM model: %w", name, err)
	}
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	return &Store[U]{db: db, opts: o}, nil
}

// MustNew is like [New] but panics on error, for start-up code.
func MustNew[U ginjwt.User](db *gorm.DB, opts ...Option) *Store[U] {
	s, err := New[U](db, opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// base returns the embedded User of u.
func base[U any](u *U) *User {
	return any(u).(embedsUser).gormstoreUser()
}
