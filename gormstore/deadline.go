package gormstore

import (
	"context"
	"errors"

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
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		select {
		case r = <-done: // finished at the same time: keep its answer
		default:
			r.err = ctx.Err()
		}
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
