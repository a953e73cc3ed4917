package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Compile-time checks that Store implements both store contracts.
var (
	_ ginjwt.UserStore[User]      = (*Store)(nil)
	_ ginjwt.SessionStore         = (*Store)(nil)
	_ ginjwt.UserCreator[User]    = (*Store)(nil)
	_ ginjwt.UserActivator        = (*Store)(nil)
	_ ginjwt.UsernameFinder[User] = (*Store)(nil)
	_ ginjwt.User                 = User{}
)

// Store holds users, sessions and refresh-token hashes in memory. It is
// safe for concurrent use. The zero value is not usable; call [New].
type Store struct {
	mu       sync.RWMutex
	users    map[string]User          // by id
	emails   map[string]string        // normalised email -> id
	names    map[string]string        // normalised username -> id
	sessions map[string]*sessionEntry // by session id
	tokens   map[string]*refreshToken // by refresh-token hash
}

// New returns an empty store.
func New() *Store {
	return &Store{
		users:    make(map[string]User),
		emails:   make(map[string]string),
		names:    make(map[string]string),
		sessions: make(map[string]*sessionEntry),
		tokens:   make(map[string]*refreshToken),
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
