package ginjwt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// Defaults of [Config]. A zero field takes the default listed on it.
const (
	DefaultAlgorithm            = "HS256"
	DefaultAccessTokenLifetime  = 15 * time.Minute
	DefaultRefreshTokenLifetime = 168 * time.Hour
	DefaultLeeway               = 30 * time.Second
	// NoLeeway, as Config.Leeway or to ParserOptions, checks exp, nbf
	// and iat with no tolerance; JWT_LEEWAY=0 means the same. (A zero
	// Leeway means the default, 30s, like every zero field of Config.)
	NoLeeway                  time.Duration = -1
	DefaultHeader                           = "Authorization"
	DefaultScheme                           = "Bearer"
	DefaultMaxTokenBytes                    = 8 << 10
	DefaultCacheTTL                         = 5 * time.Second
	DefaultMaxBodyBytes                     = 64 << 10
	DefaultPurgeInterval                    = time.Hour
	DefaultThrottleIPv6Prefix               = 64
	DefaultTokenCacheSize                   = 10_000
	DefaultTokenCacheBytes                  = 16 << 20
	DefaultJWKSMaxAge                       = 5 * time.Minute
)

// Config configures the middleware, the auth routes and the Go API of one
// application. U is the application's user type; it is inferred wherever a
// Config is passed, so ginjwt.New(cfg) needs no type argument.
//
// A Config is validated once, when [New], [Compile] or [Mount] first sees it;
// a bad field makes [Compile] return an error (and [New] panic) naming it.
// Everything built from Configs that share the same Users and Sessions
// stores shares one runtime state (caches, throttle), so a logout through
// the routes is seen by the middleware at once.
type Config[U User] struct {
	// Keys is the key set that signs and verifies access tokens: an active
	// key and any verify-only keys, of any supported algorithms (see
	// [KeySet], [NewKeySet], docs/keys.md). Swap it at runtime with
	// [Auth.SetKeys]. When Keys is set, SigningKey, Algorithm and KeyID
	// must be left zero. Either Keys or SigningKey is required.
	Keys KeySet

	// SigningKey is an HMAC key that signs and verifies access tokens: the
	// simple form of Keys, sugar for a set of the one key
	// NewHMACKey(Algorithm, SigningKey).WithKeyID(KeyID). It must be at
	// least as long as the hash output: 32 bytes for HS256, 48 for HS384,
	// 64 for HS512. Use random bytes, not a password.
	SigningKey []byte

	// Algorithm is the JWS algorithm of SigningKey: "HS256" (default),
	// "HS384" or "HS512". Tokens signed with any other algorithm are
	// rejected; "none" can never be configured. Asymmetric algorithms
	// (RS*, PS*, ES*, EdDSA) take their keys through Keys.
	Algorithm string

	// KeyID is the "kid" of SigningKey, written into every token. Default:
	// a keyed digest of SigningKey that reveals nothing of it. A token
	// whose "kid" names another key is rejected; a token without "kid" is
	// accepted (the set holds one key).
	KeyID string

	// JWKSMaxAge is the max-age of the Cache-Control header of
	// [Auth.JWKSHandler]: how long other services may cache the public
	// keys, and so how long to wait between publishing a new key and
	// signing with it. Default 5m.
	JWKSMaxAge time.Duration

	// Issuer, when set, is written as "iss" and required on every token.
	// Default "" (not checked).
	Issuer string

	// Audience, when set, is written as "aud" and required on every token.
	// Default "" (not checked).
	Audience string

	// AccessTokenLifetime is how long an access token is valid.
	// Default 15m.
	AccessTokenLifetime time.Duration

	// RefreshTokenLifetime is how long a session lives without a refresh;
	// each refresh extends it by this much. Default 168h (7 days).
	RefreshTokenLifetime time.Duration

	// Leeway is the clock skew tolerated when checking exp, nbf and iat.
	// Default 30s. [NoLeeway] (or any negative value) for none.
	Leeway time.Duration

	// Header is the request header that carries the token.
	// Default "Authorization".
	Header string

	// Schemes are the authorization schemes accepted in Header, compared
	// case-insensitively. Default ["Bearer"]. A header with another scheme
	// (Basic, say) is "not ours": an error for [New], ignored by [Optional].
	Schemes []string

	// Extractors, when set, replace the header extractor built from Header
	// and Schemes; they are tried in order. See [Extractor].
	Extractors []Extractor

	// Cookies, when set, turns on the cookie transport for browser apps
	// (HttpOnly token cookies with CSRF protection) beside the header.
	// Default nil: tokens travel in the header and JSON bodies only. See
	// [CookieConfig] and docs/cookies.md.
	Cookies *CookieConfig

	// MaxTokenBytes caps the length of a token before any parsing.
	// Default 8192.
	MaxTokenBytes int

	// Users loads the user named by a token's "sub". Required.
	Users UserStore[U]

	// Sessions keeps sessions and refresh tokens. Optional for the
	// middleware (without it, access tokens are checked by signature and
	// lifetime only and cannot be revoked early); required by [Mount].
	Sessions SessionStore

	// CacheTTL bounds how long the middleware trusts a user or session it
	// has loaded before asking the store again: the delay with which a
	// revocation made through another instance is seen here. Revocations
	// through this instance are seen at once. Default 5s; a negative value
	// disables caching (every request reads the stores).
	CacheTTL time.Duration

	// TokenCacheSize is how many verified access tokens the middleware
	// remembers (at most 16 MiB of them), so that a token it has seen is
	// not parsed and verified again; lifetimes are re-checked on every
	// use, the session and user checks run as always, and rotating the
	// keys empties it. Default 10000; a negative value turns it off.
	TokenCacheSize int

	// PublicPaths are routes that the middleware lets through without a
	// token, so that a global r.Use(ginjwt.New(cfg)) can leave some routes
	// public. An entry is matched against the route gin chose, as
	// c.FullPath() reports it (the pattern you registered, such as
	// "/health" or "/docs/*filepath"), never against the raw URL, which
	// tricks like "/public/../api/x" can make differ from what was routed.
	// An entry matches that route exactly, or, when it ends in "/*", every
	// route under that prefix. A request that matches no route (a 404) is
	// matched by its cleaned path. Routes mounted by [Mount] need no
	// entry: they authenticate themselves.
	PublicPaths []string

	// Skip, when set, is asked first; returning true lets the request
	// through without authentication (for example for health checks).
	//
	// WARNING: a skipped request is not authenticated at all.
	Skip func(c *gin.Context) bool

	// Passwords hashes and verifies passwords for the auth routes.
	// Default: argon2id at OWASP's minimum (see package password), with
	// concurrent hashing bounded to GOMAXPROCS.
	Passwords *password.Hasher

	// Throttle limits sign-in attempts (and current-password checks) per
	// account and client: every attempt counts until a success. Keys are
	// fixed-size digests (see [ThrottleKey]). Default:
	// NewMemoryThrottle(10, 15m, 100000), shared by everything built over
	// the same stores.
	Throttle Throttle

	// ThrottleIPv6Prefix is how many leading bits of an IPv6 client
	// address identify one client for the throttle. Default 64: a single
	// host commonly holds a whole /64, and keying by /128 would give it
	// unlimited guesses. IPv4 addresses are used whole.
	ThrottleIPv6Prefix int

	// RefreshReuseGrace is how long after a refresh token was spent a second
	// presentation of it still gets a fresh pair (a sibling in the same
	// session) instead of being treated as theft. Default 0: any reuse
	// revokes the session (RFC 9700 §4.14.2).
	//
	// WARNING: a grace window lets a stolen refresh token be used once more
	// within it without revoking the session.
	RefreshReuseGrace time.Duration

	// Paths are the route paths of [Mount], relative to its group.
	// Zero fields take the defaults of [DefaultPaths].
	Paths Paths

	// MaxBodyBytes caps request bodies of the auth routes; larger bodies
	// are answered 413. Default 64 KiB.
	MaxBodyBytes int64

	// ExtraClaims, when set, returns custom claims to add to each access
	// token of u. Reserved claims (sub, exp, sid, …) cannot be set. Read
	// them back with [Claims.Decode].
	ExtraClaims func(ctx context.Context, u U) (map[string]any, error)

	// Scopes, when set, returns the scopes of u (such as "admin:read"),
	// written into each access token issued to u as the "scope" claim and
	// checked by [RequireScope]. Each must be a scope token of RFC 6749
	// §3.3 (printable ASCII without space, '"' or '\'); an error, or an
	// invalid scope, fails the sign-in or refresh with 503. A token keeps
	// the scopes it was issued with until it expires: see docs/scopes.md.
	// Default: no scope claim.
	Scopes func(ctx context.Context, u U) ([]string, error)

	// SignInWith says what users type to sign in besides the password:
	// [SignInEmail] (default), [SignInUsername] or [SignInEmailOrUsername].
	// Sign-in by username needs a Users store that implements
	// [UsernameFinder]. Either way an attempt on an account takes the same
	// time and gets the same 401 body, and the throttle counts attempts
	// per account, whichever identifier was typed.
	SignInWith SignInIdentifier

	// ProfileFields are the fields that PATCH on Paths.Profile lets users
	// change: any of "username", "first_name" and "last_name"
	// ([DefaultProfileFields], the default). Other fields of the request
	// are ignored; the email, the password, the flags and the id are never
	// changed this way.
	ProfileFields []string

	// Hooks are the application's own logic at each step of the auth
	// routes (defaults before signup, a sign-in policy, actions after
	// sign-in, logout, …). See [Hooks] for the order they run in.
	Hooks Hooks[U]

	// SignupFields, when set, makes signup accept the application's own
	// fields besides the spec's (a display name, a locale, …), bound,
	// validated and mapped onto the new user by the application: see
	// [SignupWith]. Default: only the spec's fields. It needs a Users
	// store that implements [UserCreator].
	SignupFields SignupFields[U]

	// Mail, when set, turns on account emails: the verification and
	// password-reset routes, and the verification mail at signup. See
	// [MailConfig] and docs/account-emails.md. Default nil: no mail.
	Mail *MailConfig

	// RequireVerifiedEmail refuses sign-in with 403 "Email not verified"
	// to a user whose email is not verified, after a correct password on
	// an active account (anything else stays the usual 401). U must
	// implement [VerifiedUser]. Default false.
	RequireVerifiedEmail bool

	// RenderError writes the body of every error the middleware and the
	// routes answer. Default [DetailJSON], {"detail": …}; [ProblemJSON]
	// answers RFC 9457 problem details. See [ErrorRenderer].
	RenderError ErrorRenderer

	// ErrorSchema describes the error body of RenderError in the OpenAPI
	// document ([Auth.OpenAPI]). Default: that of [DetailJSON] or
	// [ProblemJSON] when RenderError is one of them; a renderer of the
	// application's own should say what it writes.
	ErrorSchema *ErrorSchema

	// StrictAccessors makes [CurrentUser] and [UserFromContext] panic,
	// instead of only logging, when they are asked for another user type
	// than this Config's on an authenticated request. They always panic
	// in gin.TestMode. Prefer [Auth.User], which has no type argument to
	// get wrong.
	StrictAccessors bool

	// OnEvent, when set, is called with every security event (failed and
	// throttled sign-ins, refresh-token reuse, revocations), after it has
	// been logged. It runs on the request path: keep it fast.
	OnEvent func(ctx context.Context, e Event)

	// PurgeInterval is how often the auth routes delete expired sessions
	// in the background (at most once per interval, triggered by a
	// sign-in). Default 1h; negative disables it (call
	// [Auth.PurgeExpired] yourself).
	PurgeInterval time.Duration

	// Logger receives security events and store failures. Default
	// slog.Default().
	Logger *slog.Logger

	// Now is the clock. Default time.Now. Tests set it.
	Now func() time.Time
}

// ErrConfig is matched by every configuration error. The error's text names
// the Config field (or environment variable) at fault.
var ErrConfig = errors.New("ginjwt: invalid configuration")

// ConfigError is a configuration error that names its field.
type ConfigError struct {
	Field string // the Config field or environment variable
	Msg   string
	env   bool
}

func (e *ConfigError) Error() string {
	if e.env {
		return "ginjwt: environment variable " + e.Field + ": " + e.Msg
	}
	return "ginjwt: Config." + e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

func configErrorf(field, format string, args ...any) error {
	return &ConfigError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// settings is the validated, defaulted form of the token part of a Config.
type settings struct {
	maxTokenBytes int
	accessTTL     time.Duration
	refreshTTL    time.Duration
	leeway        time.Duration
	cacheTTL      time.Duration
	extractors    []Extractor
	exactPublic   map[string]bool
	prefixPublic  []string
	logger        *slog.Logger
	now           func() time.Time
	maxBody       int64
	purgeEvery    time.Duration
	ipv6Prefix    int
	tokenCache    int
	paths         Paths
	jwksMaxAge    time.Duration
	cookies       *cookieSettings // nil without Config.Cookies
}

func (cfg *Config[U]) settings() (settings, error) {
	s := settings{
		maxTokenBytes: cfg.MaxTokenBytes,
		accessTTL:     cfg.AccessTokenLifetime,
		refreshTTL:    cfg.RefreshTokenLifetime,
		leeway:        cfg.Leeway,
		cacheTTL:      cfg.CacheTTL,
		logger:        cfg.Logger,
		now:           cfg.Now,
	}
	if cfg.Users == nil {
		return s, configErrorf("Users", "a UserStore is required")
	}
	if err := defaultDuration(&s.accessTTL, DefaultAccessTokenLifetime, "AccessTokenLifetime"); err != nil {
		return s, err
	}
	if err := defaultDuration(&s.refreshTTL, DefaultRefreshTokenLifetime, "RefreshTokenLifetime"); err != nil {
		return s, err
	}
	switch {
	case s.leeway == 0:
		s.leeway = DefaultLeeway
	case s.leeway < 0:
		s.leeway = 0
	}
	switch {
	case s.cacheTTL == 0:
		s.cacheTTL = DefaultCacheTTL
	case s.cacheTTL < 0:
		s.cacheTTL = 0
	}
	switch {
	case s.maxTokenBytes == 0:
		s.maxTokenBytes = DefaultMaxTokenBytes
	case s.maxTokenBytes < 0:
		return s, configErrorf("MaxTokenBytes", "must not be negative")
	}
	if cfg.Issuer != strings.TrimSpace(cfg.Issuer) {
		return s, configErrorf("Issuer", "has surrounding spaces")
	}
	if cfg.Audience != strings.TrimSpace(cfg.Audience) {
		return s, configErrorf("Audience", "has surrounding spaces")
	}
	if cfg.RefreshReuseGrace < 0 {
		return s, configErrorf("RefreshReuseGrace", "must not be negative")
	}
	switch s.maxBody = cfg.MaxBodyBytes; {
	case s.maxBody == 0:
		s.maxBody = DefaultMaxBodyBytes
	case s.maxBody < 0:
		return s, configErrorf("MaxBodyBytes", "must not be negative")
	}
	switch s.tokenCache = cfg.TokenCacheSize; {
	case s.tokenCache == 0:
		s.tokenCache = DefaultTokenCacheSize
	case s.tokenCache < 0:
		s.tokenCache = 0
	}
	switch s.ipv6Prefix = cfg.ThrottleIPv6Prefix; {
	case s.ipv6Prefix == 0:
		s.ipv6Prefix = DefaultThrottleIPv6Prefix
	case s.ipv6Prefix < 0 || s.ipv6Prefix > 128:
		return s, configErrorf("ThrottleIPv6Prefix", "must be between 1 and 128, got %d", s.ipv6Prefix)
	}
	switch s.purgeEvery = cfg.PurgeInterval; {
	case s.purgeEvery == 0:
		s.purgeEvery = DefaultPurgeInterval
	case s.purgeEvery < 0:
		s.purgeEvery = 0
	}
	switch s.jwksMaxAge = cfg.JWKSMaxAge; {
	case s.jwksMaxAge == 0:
		s.jwksMaxAge = DefaultJWKSMaxAge
	case s.jwksMaxAge < 0:
		return s, configErrorf("JWKSMaxAge", "must not be negative")
	}
	var err error
	if s.paths, err = cfg.Paths.withDefaults(); err != nil {
		return s, err
	}
	if cfg.Cookies != nil {
		if s.cookies, err = cfg.Cookies.settings(cfg.Sessions != nil); err != nil {
			return s, err
		}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.extractors = cfg.Extractors; len(s.extractors) == 0 {
		header := cfg.Header
		if header == "" {
			header = DefaultHeader
		}
		schemes := cfg.Schemes
		if len(schemes) == 0 {
			schemes = []string{DefaultScheme}
		}
		for _, sc := range schemes {
			if sc == "" || strings.ContainsAny(sc, " \t") {
				return s, configErrorf("Schemes", "%q is not a valid scheme name", sc)
			}
		}
		s.extractors = []Extractor{HeaderExtractor(header, schemes...)}
	}
	s.exactPublic = map[string]bool{}
	for _, p := range cfg.PublicPaths {
		switch {
		case !strings.HasPrefix(p, "/"):
			return s, configErrorf("PublicPaths", "%q must start with /", p)
		case strings.HasSuffix(p, "/*"):
			s.prefixPublic = append(s.prefixPublic, strings.TrimSuffix(p, "*"))
		default:
			s.exactPublic[p] = true
		}
	}
	return s, nil
}

func defaultDuration(d *time.Duration, def time.Duration, field string) error {
	switch {
	case *d == 0:
		*d = def
	case *d < 0:
		return configErrorf(field, "must be positive, got %s", *d)
	}
	return nil
}
