package mongostore

import "time"

// DefaultTimeout is the deadline that every store call puts on its context
// unless [WithTimeout] says otherwise.
const DefaultTimeout = 3 * time.Second

// Collections names the collections a [Store] uses. An empty field keeps
// the default name shown beside it.
type Collections struct {
	Users              string // "users"
	Sessions           string // "sessions"
	RefreshTokens      string // "refresh_tokens"
	SpentRefreshTokens string // "spent_refresh_tokens"
	RevokedSessions    string // "revoked_sessions"
	MailTokens         string // "mail_tokens"
	SpentMailTokens    string // "spent_mail_tokens"
}

// DefaultCollections are the names a [Store] uses unless
// [WithCollections] says otherwise.
var DefaultCollections = Collections{
	Users:              "users",
	Sessions:           "sessions",
	RefreshTokens:      "refresh_tokens",
	SpentRefreshTokens: "spent_refresh_tokens",
	RevokedSessions:    "revoked_sessions",
	MailTokens:         "mail_tokens",
	SpentMailTokens:    "spent_mail_tokens",
}

// Option configures [New].
type Option func(*config)

type config struct {
	timeout     time.Duration
	collections Collections
}

// WithTimeout sets the deadline of every store call (default
// [DefaultTimeout]). The store is handed a *mongo.Database and cannot set
// the client's own timeouts, so without this deadline a call against an
// unreachable server would wait for server selection (30 s by default)
// before it fails. A caller's context with an earlier deadline still wins.
// The timeout must be positive.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithCollections sets the collection names; empty fields keep their
// defaults (see [Collections]).
func WithCollections(names Collections) Option {
	return func(c *config) {
		set := func(dst *string, v string) {
			if v != "" {
				*dst = v
			}
		}
		set(&c.collections.Users, names.Users)
		set(&c.collections.Sessions, names.Sessions)
		set(&c.collections.RefreshTokens, names.RefreshTokens)
		set(&c.collections.SpentRefreshTokens, names.SpentRefreshTokens)
		set(&c.collections.RevokedSessions, names.RevokedSessions)
		set(&c.collections.MailTokens, names.MailTokens)
		set(&c.collections.SpentMailTokens, names.SpentMailTokens)
	}
}
