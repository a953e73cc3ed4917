package ginjwt

import (
	"context"
	"errors"
	"time"
)

// Auth is a compiled [Config]: the middleware, the auth routes and the Go
// API of one application. Build it with [Compile]; [New], [Optional] and
// [Mount] compile their Config themselves. All Auths compiled from Configs
// over the same stores share their runtime state.
type Auth[U User] struct {
	cfg      Config[U]
	set      settings
	tokens   *tokens
	users    UserStore[U]
	sessions SessionStore
	state    *state[U]
	renderer ErrorRenderer
	info     *requestInfo // what a request's identity needs of a
	mail     *accountMail // nil without Config.Mail
	// profileFields are the fields the profile route may change.
	profileFields []string
}

// Compile validates cfg, applies its defaults and returns the runtime that
// serves it. Errors match [ErrConfig] and name the field at fault.
func Compile[U User](cfg Config[U]) (*Auth[U], error) {
	set, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	keys, err := cfg.keySet() // the secret is copied: later edits to cfg don't leak in
	if err != nil {
		return nil, err
	}
	a := &Auth[U]{
		cfg:      cfg,
		set:      set,
		tokens:   newTokens(keys, cfg.Issuer, cfg.Audience, set, cfg.Sessions != nil),
		users:    cfg.Users,
		sessions: cfg.Sessions,
		state:    sharedState(cfg.Users, cfg.Sessions),
	}
	if a.renderer = cfg.RenderError; a.renderer == nil {
		a.renderer = DetailJSON
	}
	a.info = &requestInfo{render: a.renderer, strict: cfg.StrictAccessors, logger: set.logger}
	if cfg.Hooks.BeforeSignup != nil || cfg.SignupFields != nil {
		if _, ok := cfg.Users.(UserCreator[U]); !ok {
			return nil, configErrorf("Users", "%T does not implement ginjwt.UserCreator, which Hooks.BeforeSignup and SignupFields need", cfg.Users)
		}
	}
	if err := a.compileMail(); err != nil {
		return nil, err
	}
	if a.profileFields, err = profileFields(cfg.ProfileFields); err != nil {
		return nil, err
	}
	switch cfg.SignInWith {
	case SignInEmail:
	case SignInUsername, SignInEmailOrUsername:
		if _, ok := cfg.Users.(UsernameFinder[U]); !ok {
			return nil, configErrorf("SignInWith", "sign-in by username needs a Users store that implements ginjwt.UsernameFinder; %T does not", cfg.Users)
		}
	default:
		return nil, configErrorf("SignInWith", "unknown value %d", cfg.SignInWith)
	}
	a.state.cache.use(set.cacheTTL)
	return a, nil
}

// MustCompile is like [Compile] but panics on a configuration error.
func MustCompile[U User](cfg Config[U]) *Auth[U] {
	a, err := Compile(cfg)
	if err != nil {
		panic(err.Error())
	}
	return a
}

// ParseAccessToken verifies a compact access token by signature, lifetime,
// type and claims, and returns its claims. It does not consult the stores.
func (a *Auth[U]) ParseAccessToken(token string) (*Claims, error) {
	return a.tokens.parse(token)
}

// authenticate verifies token and loads its session and user, through the
// cache, and returns the session's CSRF token too ("" without a Sessions
// store). Errors match ErrTokenInvalid (401) or ErrStoreUnavailable
// (503). The user and the claims are shared with the caches: read them,
// never modify them.
func (a *Auth[U]) authenticate(ctx context.Context, token string) (*U, *Claims, string, error) {
	now := a.set.now()
	claims, err := a.tokens.parseAt(token, now)
	if err != nil {
		return nil, nil, "", err
	}
	var version int64
	var csrf string
	if a.sessions != nil {
		if version, csrf, err = a.checkSession(ctx, claims, now); err != nil {
			return nil, nil, "", err
		}
	}
	u, err := a.loadUser(ctx, claims.Subject, now)
	if err != nil {
		return nil, nil, "", err
	}
	if a.sessions != nil && version < (*u).CredentialsVersion() {
		// The session predates a password change.
		return nil, nil, "", invalid(ErrSessionRevoked, nil)
	}
	return u, claims, csrf, nil
}

// checkSession checks that the token's session is live and returns the
// credentials version it was created under and its CSRF token.
func (a *Auth[U]) checkSession(ctx context.Context, claims *Claims, now time.Time) (int64, string, error) {
	c := a.state.cache
	version, csrf, live, found := c.session(claims.SessionID, claims.Subject, now, a.set.cacheTTL)
	if !found {
		read := func(ctx context.Context, started time.Time) (Session, error) {
			s, err := a.sessions.Session(ctx, claims.SessionID)
			if err == nil && a.set.cacheTTL > 0 {
				c.putSession(s, started)
			}
			return s, err
		}
		// Concurrent misses share one read, unless its user was
		// invalidated since it started; without a cache every request
		// reads the store.
		var shareable func(time.Time) bool
		if a.set.cacheTTL > 0 {
			shareable = func(started time.Time) bool { return c.shareable(claims.Subject, started) }
		}
		s, err := c.sessionReads.do(ctx, claims.SessionID, now, shareable, read)
		switch {
		case errors.Is(err, ErrSessionNotFound):
			return 0, "", invalid(ErrSessionRevoked, err)
		case err != nil:
			return 0, "", unavailable(err)
		}
		live, version, csrf = s.UserID == claims.Subject && s.Live(now), s.CredentialsVersion, s.CSRFToken
	}
	if !live {
		return 0, "", invalid(ErrSessionRevoked, nil)
	}
	return version, csrf, nil
}

func (a *Auth[U]) loadUser(ctx context.Context, id string, now time.Time) (*U, error) {
	c := a.state.cache
	u, ok := c.user(id, now, a.set.cacheTTL)
	if !ok {
		read := func(ctx context.Context, started time.Time) (*U, error) {
			loaded, err := a.users.FindUserByID(ctx, id)
			if err != nil {
				return nil, err
			}
			if a.set.cacheTTL > 0 {
				c.putUser(&loaded, started)
			}
			return &loaded, nil
		}
		// As for sessions; the user loaded is shared read-only, as the
		// cache's hits share it.
		var shareable func(time.Time) bool
		if a.set.cacheTTL > 0 {
			shareable = func(started time.Time) bool { return c.shareable(id, started) }
		}
		var err error
		u, err = c.userReads.do(ctx, id, now, shareable, read)
		switch {
		case errors.Is(err, ErrUserNotFound):
			return nil, invalid(ErrUserInactive, err)
		case err != nil:
			return nil, unavailable(err)
		}
	}
	if !(*u).IsActive() {
		return nil, invalid(ErrUserInactive, nil)
	}
	return u, nil
}

// InvalidateUser makes this process forget what it cached about the user
// and the user's sessions, so that a change made outside ginjwt (say, an
// admin deactivating the user in the database) is seen on the next request
// here. Other processes see it within Config.CacheTTL.
func (a *Auth[U]) InvalidateUser(id string) {
	a.state.cache.invalidateUser(id, a.set.now())
}
