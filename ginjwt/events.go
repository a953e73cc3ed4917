package ginjwt

import (
	"context"
	"log/slog"
	"time"
)

// EventKind names a security event.
type EventKind string

// The security events ginjwt reports.
const (
	EventSignIn          EventKind = "signin"           // a successful sign-in
	EventSignInFailed    EventKind = "signin_failed"    // wrong password, unknown or inactive user
	EventThrottled       EventKind = "throttled"        // an attempt refused by the throttle
	EventRefreshReuse    EventKind = "refresh_reuse"    // a spent refresh token came back; its session is revoked
	EventSessionRevoked  EventKind = "session_revoked"  // logout, a session deleted, or RevokeSession from Go
	EventUserRevoked     EventKind = "user_revoked"     // logout-all, or RevokeUser from Go
	EventPasswordChanged EventKind = "password_changed" // every earlier session revoked
	EventPasswordFailed  EventKind = "password_failed"  // wrong current_password on /password
	EventSignUp          EventKind = "signup"           // a new user
)

// Event is a security event, reported through slog and Config.OnEvent so
// that applications can alert on them.
type Event struct {
	Kind      EventKind
	Time      time.Time
	UserID    string // "" when unknown
	SessionID string // "" when not about one session
	Email     string // the normalised email of a sign-in attempt, if any
	Username  string // the normalised username of a sign-in attempt, if any
	IP        string // the client IP, if the event came over HTTP
}

// maxEventText caps each client-supplied text of an event, so that what a
// request makes the server log is bounded whatever it sends.
const maxEventText = 256

func (a *Auth[U]) report(ctx context.Context, e Event) {
	e.Email, e.IP = truncate(e.Email, maxEventText), truncate(e.IP, maxEventText)
	e.Username = truncate(e.Username, maxEventText)
	level := slog.LevelInfo
	switch e.Kind {
	case EventSignInFailed, EventThrottled, EventRefreshReuse, EventPasswordFailed:
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.String("event", string(e.Kind))}
	for _, kv := range [][2]string{{"user_id", e.UserID}, {"session_id", e.SessionID}, {"email", e.Email}, {"username", e.Username}, {"ip", e.IP}} {
		if kv[1] != "" {
			attrs = append(attrs, slog.String(kv[0], kv[1]))
		}
	}
	a.set.logger.LogAttrs(ctx, level, "ginjwt security event", attrs...)
	if a.cfg.OnEvent != nil {
		a.cfg.OnEvent(ctx, e)
	}
}
