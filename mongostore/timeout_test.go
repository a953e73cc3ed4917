package mongostore_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/mongostore"
)

// An unreachable server fails each call at the store's deadline, not after
// the driver's 30 s server selection: the error carries the deadline.
func TestUnreachableServerFailsAtTheDeadline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now

	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + addr + "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	s, err := mongostore.New[mongostore.User](client.Database("app"), mongostore.WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background() // no deadline of the caller's
	now := time.Now()
	calls := map[string]func() error{
		"FindUserByEmail": func() error { _, err := s.FindUserByEmail(ctx, "a@example.com"); return err },
		"CreateUser":      func() error { _, err := s.CreateUser(ctx, newUser("a@example.com")); return err },
		"Session":         func() error { _, err := s.Session(ctx, "s1"); return err },
		"RotateRefreshToken": func() error {
			_, err := s.RotateRefreshToken(ctx, "h0", "h1", now, now.Add(time.Hour))
			return err
		},
		"EnsureIndexes": func() error { return s.EnsureIndexes(ctx) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want one that wraps context.DeadlineExceeded", err)
			}
			if errors.Is(err, ginjwt.ErrUserNotFound) || errors.Is(err, ginjwt.ErrSessionNotFound) {
				t.Fatalf("error = %v: an unavailable store must not look like a missing record", err)
			}
		})
	}
}
