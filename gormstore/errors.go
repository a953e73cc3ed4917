package gormstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// fail wraps err, the failure of operation op, for the caller. When the
// call's context is done, the result also wraps the context's error, so
// errors.Is(err, context.DeadlineExceeded) holds whatever the driver
// reported (SQLite, for one, may report "interrupted" or SQLITE_BUSY).
func fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("gormstore: %s: %w: %w", op, cerr, err)
	}
	return fmt.Errorf("gormstore: %s: %w", op, err)
}

// isUniqueViolation reports whether err is a unique-constraint violation.
// The store does not open the database, so it cannot count on the
// TranslateError setting: it asks the dialector to translate each error
// of the chain itself (SQLite extended codes 1555/2067, PostgreSQL 23505).
func isUniqueViolation(db *gorm.DB, err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	tr, ok := db.Dialector.(gorm.ErrorTranslator)
	if !ok {
		return false
	}
	found := false
	walk(err, func(e error) {
		if !found && errors.Is(tr.Translate(e), gorm.ErrDuplicatedKey) {
			found = true
		}
	})
	return found
}

// walk calls f on err and on every error it wraps.
func walk(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, f)
		}
	}
}

// searchable reports whether s can be sent as a query parameter. An id or
// email that is not valid UTF-8 or holds a NUL byte cannot match a stored
// one, and PostgreSQL would reject it with an error that looks like an
// outage; such values are simply not found.
func searchable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
