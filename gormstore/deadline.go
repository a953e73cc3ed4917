package gormstore

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// do runs f, the body of store operation op, under the store's deadline,
// and returns its error: the package's sentinels and *ginjwt.ReuseError
// as they are, anything else wrapped by [fail].
//
// f runs on its own goroutine because a driver may not return when the
// context ends: mattn's SQLite driver interrupts the statement, but a
// statement waiting for the write lock sleeps in SQLite's busy handler
// until busy_timeout runs out, whatever the context says. do returns at
// the deadline all the same. The abandoned f ends soon after: its context
// is done, so database/sql rolls its transaction back and refuses to
// commit it.
//
// f must only write to variables that the caller reads after a nil
// error, and must not call the store.
func (s *Store[U]) do(ctx context.Context, op string, f func(db *gorm.DB) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	type result struct {
		err      error
		panicked bool
		value    any
	}
	run := func() result {
		done := make(chan result, 1)
		go func() {
			r := result{panicked: true}
			defer func() {
				if r.panicked {
					r.value = recover()
				}
				done <- r
			}()
			r.err = f(s.db.WithContext(ctx))
			r.panicked = false
		}()
		select {
		case r := <-done:
			return r
		case <-ctx.Done():
			select {
			case r := <-done: // finished at the same time: keep its answer
				return r
			default:
				return result{err: ctx.Err()}
			}
		}
	}
	r := run()
	// A pooled connection whose server side was closed (a restarted or
	// terminated backend) fails its first statement, which the server never
	// ran, and database/sql drops it. Retrying takes the next connection,
	// and soon a fresh one, instead of answering 503: a few times, since
	// every idle connection of the pool may be dead.
	for retries := 0; retries < maxLostConnectionRetries && !r.panicked && lostConnection(r.err) && ctx.Err() == nil; retries++ {
		r = run()
	}
	if r.panicked {
		panic(r.value) // a panic in an application hook, for example
	}
	var reuse *ginjwt.ReuseError
	switch {
	case r.err == nil:
		return nil
	case errors.Is(r.err, ginjwt.ErrUserNotFound),
		errors.Is(r.err, ginjwt.ErrUserExists),
		errors.Is(r.err, ginjwt.ErrSessionNotFound),
		errors.As(r.err, &reuse):
		return r.err
	}
	return fail(ctx, op, r.err)
}

// maxLostConnectionRetries bounds the retries after a lost connection.
const maxLostConnectionRetries = 3

// lostConnection reports whether err says the connection was gone before
// the statement ran: PostgreSQL's "terminated by administrator", "crash
// shutdown", "cannot connect now" (SQLSTATE 57P01-57P03) or any connection
// exception (class 08). The codes are read through the SQLState method
// that pgx's errors have, so the store needs no PostgreSQL import.
func lostConnection(err error) bool {
	found := false
	walk(err, func(e error) {
		if st, ok := e.(interface{ SQLState() string }); ok {
			code := st.SQLState()
			if code == "57P01" || code == "57P02" || code == "57P03" || strings.HasPrefix(code, "08") {
				found = true
			}
		}
	})
	return found
}
