package authtest_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/internal/authtest"
)

// countingStore is the in-memory store, counting the users it creates:
// memstore has no way to list them.
type countingStore struct {
	*memstore.Store
	created atomic.Int64
}

func (s *countingStore) CreateUser(ctx context.Context, nu ginjwt.NewUser) (memstore.User, error) {
	u, err := s.Store.CreateUser(ctx, nu)
	if err == nil {
		s.created.Add(1)
	}
	return u, err
}

// TestMemstore runs the scenarios over the in-memory reference store, so
// that a failure on a database backend is not the harness's own. Closing
// is a no-op: the "database" outlives every engine, as a real one does.
func TestMemstore(t *testing.T) {
	authtest.Run(t, func(t *testing.T) authtest.Backend[memstore.User] {
		s := &countingStore{Store: memstore.New()}
		return authtest.Backend[memstore.User]{
			Open: func(*testing.T) (ginjwt.UserStore[memstore.User], ginjwt.SessionStore, func()) {
				return s, s, func() {}
			},
			CountUsers: func(*testing.T) int { return int(s.created.Load()) },
		}
	})
}
