package gormstore

import (
	"fmt"
	"time"
)

// DefaultTimeout is the deadline of each store call unless [WithTimeout]
// says otherwise.
const DefaultTimeout = 3 * time.Second

// Default table names of the session tables. The user table is the one
// GORM derives from the application's model (its TableName or naming
// strategy).
const (
	DefaultSessionTable      = "sessions"
	DefaultRefreshTokenTable = "refresh_tokens"
	DefaultMailTokenTable    = "mail_tokens"
)

// Option configures a [Store].
type Option func(*options) error

type options struct {
	timeout      time.Duration
	sessionTable string
	tokenTable   string
	mailTable    string
}

func defaultOptions() options {
	return options{
		timeout:      DefaultTimeout,
		sessionTable: DefaultSessionTable,
		tokenTable:   DefaultRefreshTokenTable,
		mailTable:    DefaultMailTokenTable,
	}
}

// WithTimeout sets the deadline of every store call (default
// [DefaultTimeout]). It is applied on top of the caller's context, so the
// earlier of the two wins. A store that cannot answer in time returns an
// error wrapping context.DeadlineExceeded, which ginjwt answers with 503
// instead of holding the request. d must be positive.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("gormstore: WithTimeout: %v is not a positive duration", d)
		}
		o.timeout = d
		return nil
	}
}

// WithSessionTables sets the names of the session table (default
// [DefaultSessionTable]) and of the refresh-token table (default
// [DefaultRefreshTokenTable]), for example to prefix them or to avoid a
// clash with an existing "sessions" table.
func WithSessionTables(sessions, refreshTokens string) Option {
	return func(o *options) error {
		if sessions == "" || refreshTokens == "" || sessions == refreshTokens {
			return fmt.Errorf("gormstore: WithSessionTables: need two different, non-empty names, got %q and %q", sessions, refreshTokens)
		}
		o.sessionTable = sessions
		o.tokenTable = refreshTokens
		return nil
	}
}

// WithMailTokenTable sets the name of the table of account-email tokens
// (default [DefaultMailTokenTable]).
func WithMailTokenTable(name string) Option {
	return func(o *options) error {
		if name == "" {
			return fmt.Errorf("gormstore: WithMailTokenTable: the name is empty")
		}
		o.mailTable = name
		return nil
	}
}
