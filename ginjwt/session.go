package ginjwt

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TokenPair is what sign-in, refresh and password change return.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"` // always "Bearer"
	ExpiresIn    int64  `json:"expires_in"` // seconds until the access token expires
	// CSRFToken is the session's CSRF token (see [CookieConfig]). The
	// auth routes send it only in cookie mode.
	CSRFToken string `json:"csrf_token,omitempty"`
}

// Client describes where a session was started, for the sessions list.
type Client struct {
	UserAgent string
	IP        string
}

// ErrNoSessionStore is returned by the session operations of an Auth whose
// Config has no Sessions store.
var ErrNoSessionStore = errors.New("ginjwt: Config.Sessions is not set")

// A refresh token is "<session id>.<256 random bits>", base64url: opaque
// to clients, and stored only as the SHA-256 hash of the whole string. The
// session id lets a refresh check the session and the user before it
// spends the token; it proves nothing by itself, because only a token
// whose hash is stored rotates, and only the hash of a genuine spent token
// counts as reuse.
const refreshTokenBytes = 32

func newRefreshToken(sid string) (token, hash string) {
	var b [refreshTokenBytes]byte
	_, _ = rand.Read(b[:])
	token = sid + "." + base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashRefreshToken(token)
}

// maxRefreshTokenLen bounds what is worth hashing: ours are 66 bytes.
const maxRefreshTokenLen = 128

func hashRefreshToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IssueTokens starts a new session for u and returns its token pair, as a
// successful sign-in does. Use it for sign-in flows of your own (a magic
// link, SSO) and in tests.
func (a *Auth[U]) IssueTokens(ctx context.Context, u U, client Client) (TokenPair, error) {
	if a.sessions == nil {
		return TokenPair{}, ErrNoSessionStore
	}
	next, err := a.newSession(ctx, u, client)
	if err != nil {
		return TokenPair{}, err
	}
	return next.create(ctx)
}

// pendingSession is a session whose tokens are signed but which is not
// stored yet: everything that can fail without a trace comes first.
type pendingSession struct {
	store   SessionStore
	session Session
	hash    string
	pair    TokenPair
}

func (a *Auth[U]) newSession(ctx context.Context, u U, client Client) (pendingSession, error) {
	now := a.set.now().UTC()
	sid := randomID()
	refresh, hash := newRefreshToken(sid)
	pair, err := a.pair(ctx, u, sid, refresh, now)
	if err != nil {
		return pendingSession{}, unavailable(err)
	}
	pair.CSRFToken = newCSRFToken()
	return pendingSession{
		store: a.sessions,
		session: Session{
			ID:         sid,
			UserID:     u.Subject(),
			CreatedAt:  now,
			LastUsedAt: now,
			ExpiresAt:  now.Add(a.set.refreshTTL),
			UserAgent:  truncate(client.UserAgent, 512),
			IP:         truncate(client.IP, 64),
			// A password change after u was read makes this session dead
			// on arrival: the one guarantee a sign-in racing a password
			// change needs.
			CredentialsVersion: u.CredentialsVersion(),
			CSRFToken:          pair.CSRFToken,
		},
		hash: hash,
		pair: pair,
	}, nil
}

// create stores the session, which makes its tokens work.
func (p pendingSession) create(ctx context.Context) (TokenPair, error) {
	if err := p.store.CreateSession(ctx, p.session, p.hash); err != nil {
		return TokenPair{}, unavailable(err)
	}
	return p.pair, nil
}

// AccessToken signs an access token for u in session sessionID, issued at
// issuedAt and expiring Config.AccessTokenLifetime later. It creates no
// session (use [Auth.IssueTokens] for that); with a Sessions store, the
// token is accepted only while sessionID names a live session of u. It is
// meant for tests (see package jwttest) and custom flows.
func (a *Auth[U]) AccessToken(ctx context.Context, u U, sessionID string, issuedAt time.Time) (string, error) {
	pair, err := a.pair(ctx, u, sessionID, "", issuedAt)
	return pair.AccessToken, err
}

// pair signs an access token for u in session sid and pairs it with refresh.
func (a *Auth[U]) pair(ctx context.Context, u U, sid, refresh string, now time.Time) (TokenPair, error) {
	var extra map[string]any
	if a.cfg.ExtraClaims != nil {
		var err error
		if extra, err = a.cfg.ExtraClaims(ctx, u); err != nil {
			return TokenPair{}, fmt.Errorf("ginjwt: ExtraClaims: %w", err)
		}
	}
	scope, err := a.scopeClaim(ctx, u)
	if err != nil {
		return TokenPair{}, err
	}
	access, exp, err := a.tokens.issue(u.Subject(), sid, scope, now, extra)
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{
		AccessToken:  access,
		RefreshToken: refresh,
		TokenType:    "Bearer",
		ExpiresIn:    int64(exp.Sub(now).Seconds()),
	}, nil
}

// Refresh spends a refresh token and returns a new pair for the same
// session (rotation). A token that was already spent revokes the whole
// session, unless it comes back within Config.RefreshReuseGrace; the error
// then matches ErrRefreshTokenReused. An unknown, revoked or expired token
// gives ErrSessionNotFound; a user who is gone or inactive,
// ErrUserInactive. Store failures match ErrStoreUnavailable.
//
// The session and the user are checked, and the new access token signed,
// before the token is spent, so a failure on the way does not turn the
// client's retry into a reuse.
func (a *Auth[U]) Refresh(ctx context.Context, refreshToken string) (TokenPair, U, error) {
	var zero U
	if a.sessions == nil {
		return TokenPair{}, zero, ErrNoSessionStore
	}
	sid, _, ok := strings.Cut(refreshToken, ".")
	if !ok || sid == "" || len(refreshToken) > maxRefreshTokenLen {
		return TokenPair{}, zero, ErrSessionNotFound
	}
	now := a.set.now().UTC()
	s, err := a.sessions.Session(ctx, sid)
	if err == nil && !s.Live(now) {
		err = ErrSessionNotFound
	}
	if err != nil {
		return TokenPair{}, zero, storeErr(err, ErrSessionNotFound)
	}
	u, err := a.users.FindUserByID(ctx, s.UserID)
	if err == nil && !u.IsActive() {
		err = ErrUserInactive
	}
	if err == nil && s.CredentialsVersion < u.CredentialsVersion() {
		// Created before the latest password change: dead.
		err = ErrSessionNotFound
	}
	if errors.Is(err, ErrUserNotFound) || errors.Is(err, ErrUserInactive) || errors.Is(err, ErrSessionNotFound) {
		// The session of a deactivated or deleted user ends here, so that
		// a reactivation does not bring its tokens back; so does one that
		// predates a password change.
		if rerr := a.revokeSession(ctx, s, now); rerr != nil && !errors.Is(rerr, ErrSessionNotFound) {
			return TokenPair{}, zero, rerr
		}
	}
	if err != nil {
		return TokenPair{}, zero, storeErr(err, ErrUserNotFound, ErrUserInactive, ErrSessionNotFound)
	}
	if err := a.canSignIn(ctx, u); err != nil {
		return TokenPair{}, zero, &hookError{err}
	}
	next, nextHash := newRefreshToken(sid)
	pair, err := a.pair(ctx, u, sid, next, now)
	if err != nil {
		return TokenPair{}, zero, unavailable(err)
	}
	pair.CSRFToken = s.CSRFToken // the session's, the same across refreshes

	rotated, err := a.sessions.RotateRefreshToken(ctx, hashRefreshToken(refreshToken), nextHash, now, now.Add(a.set.refreshTTL))
	var reuse *ReuseError
	switch {
	case errors.As(err, &reuse):
		if a.cfg.RefreshReuseGrace > 0 && now.Sub(reuse.SpentAt) <= a.cfg.RefreshReuseGrace && reuse.Session.ID == sid {
			// A retry inside the grace window: a sibling, never the successor.
			if err := a.sessions.AddRefreshToken(ctx, sid, nextHash, now); err != nil {
				return TokenPair{}, zero, storeErr(err, ErrSessionNotFound)
			}
			return pair, u, nil
		}
		a.report(ctx, Event{Kind: EventRefreshReuse, Time: now, UserID: reuse.Session.UserID, SessionID: reuse.Session.ID})
		if rerr := a.revokeSession(ctx, reuse.Session, now); rerr != nil && !errors.Is(rerr, ErrSessionNotFound) {
			return TokenPair{}, zero, errors.Join(err, rerr)
		}
		return TokenPair{}, zero, err
	case err != nil:
		return TokenPair{}, zero, storeErr(err, ErrSessionNotFound)
	case rotated.ID != sid:
		// Only a hash collision gets here: the hash covers the session id.
		return TokenPair{}, zero, ErrSessionNotFound
	}
	if h := a.cfg.Hooks.AfterRefresh; h != nil {
		a.after(ctx, "AfterRefresh", h(ctx, u))
	}
	return pair, u, nil
}

// storeErr passes through errors that are answers (the known sentinels)
// and marks anything else as the store being unavailable.
func storeErr(err error, known ...error) error {
	for _, k := range known {
		if errors.Is(err, k) {
			return err
		}
	}
	return unavailable(err)
}

// RevokeSession ends one session: its refresh tokens stop working at once,
// and its access tokens are rejected at once by this process and within
// Config.CacheTTL by others sharing the store.
func (a *Auth[U]) RevokeSession(ctx context.Context, sessionID string) error {
	if a.sessions == nil {
		return ErrNoSessionStore
	}
	s, err := a.sessions.Session(ctx, sessionID)
	if err != nil {
		return storeErr(err, ErrSessionNotFound)
	}
	now := a.set.now().UTC()
	if err := a.revokeSession(ctx, s, now); err != nil {
		return err
	}
	a.report(ctx, Event{Kind: EventSessionRevoked, Time: now, UserID: s.UserID, SessionID: s.ID})
	return nil
}

func (a *Auth[U]) revokeSession(ctx context.Context, s Session, now time.Time) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	// The tombstone goes first: from here on this process rejects the
	// session whatever the store says.
	a.state.cache.revokeSession(s.ID, s.UserID, now, now.Add(a.set.accessTTL+a.set.leeway))
	if err := a.sessions.RevokeSession(ctx, s.ID, now); err != nil {
		return storeErr(err, ErrSessionNotFound)
	}
	return nil
}

// RevokeUser ends every session of the user (logout everywhere) and drops
// what this process cached about the user. Call it after deactivating a
// user or changing a password outside ginjwt. It returns how many sessions
// it revoked.
func (a *Auth[U]) RevokeUser(ctx context.Context, userID string) (int, error) {
	return a.revokeUser(ctx, userID, "")
}

// revokeUser is RevokeUser with the client IP for the event.
func (a *Auth[U]) revokeUser(ctx context.Context, userID, ip string) (int, error) {
	if a.sessions == nil {
		a.InvalidateUser(userID)
		return 0, ErrNoSessionStore
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	now := a.set.now().UTC()
	a.state.cache.invalidateUser(userID, now)
	n, err := a.sessions.RevokeUserSessions(ctx, userID, now)
	// Again after the write: a request that read a session between the
	// first invalidation and the write must not keep it cached.
	a.state.cache.invalidateUser(userID, a.set.now())
	if err != nil {
		return n, unavailable(err)
	}
	a.report(ctx, Event{Kind: EventUserRevoked, Time: now, UserID: userID, IP: ip})
	return n, nil
}

// setPassword stores a new password hash for user uid, whose credentials
// version was oldVersion, and ends every earlier session. It runs on a
// context that the client's disconnect cannot cancel: once the hash is
// being written, what goes with it happens too.
//
// The store bumps the credentials version in the same write as the hash,
// and that alone kills every earlier session (its version is behind), so no
// failure after the write can leave an old session live with the new
// password; the revocation that follows makes it visible at once (sessions
// list, tombstones) and is only logged if it fails. next, when not nil, is
// the session of the new pair: it is created last, under the new version.
func (a *Auth[U]) setPassword(ctx context.Context, uid, hash string, oldVersion int64, ip string, next *pendingSession) (TokenPair, error) {
	ctx, cancel := detached(ctx)
	defer cancel()
	err := a.users.SetPasswordHash(ctx, uid, hash)
	a.InvalidateUser(uid) // even on an error: the write may have landed
	if err != nil {
		return TokenPair{}, unavailable(err)
	}
	if a.sessions != nil {
		if _, err := a.revokeUser(ctx, uid, ip); err != nil {
			a.set.logger.WarnContext(ctx, "ginjwt: revoking the sessions of a user whose password changed failed; they are dead by their credentials version", "user_id", uid, "error", err)
		}
	}
	if next == nil {
		return TokenPair{}, nil
	}
	next.session.CredentialsVersion = oldVersion + 1
	return next.create(ctx)
}

// securityWriteTimeout bounds a security write that no longer listens to
// the request's cancellation. Stores add their own per-call deadlines.
const securityWriteTimeout = 15 * time.Second

// detached returns the context of a security write (a revocation, a
// password change): ctx's values without its cancellation, so that a
// client that disconnects at the right moment cannot undo the decision.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), securityWriteTimeout)
}

// PurgeExpired deletes expired sessions and their refresh-token hashes.
// The auth routes call it in the background once per
// Config.PurgeInterval; call it yourself from a job if you prefer.
func (a *Auth[U]) PurgeExpired(ctx context.Context) (int, error) {
	if a.sessions == nil {
		return 0, ErrNoSessionStore
	}
	n, err := a.sessions.PurgeExpired(ctx, a.set.now().UTC())
	if err != nil {
		return n, unavailable(err)
	}
	return n, nil
}

// maybePurge starts a background purge when the last one is older than
// the purge interval.
func (a *Auth[U]) maybePurge() {
	if a.set.purgeEvery == 0 {
		return
	}
	now := a.set.now()
	last := a.state.purged.Load()
	if now.UnixNano()-last < int64(a.set.purgeEvery) || !a.state.purged.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if n, err := a.PurgeExpired(ctx); err != nil {
			a.set.logger.Warn("ginjwt: purging expired sessions failed", "error", err)
		} else if n > 0 {
			a.set.logger.Info("ginjwt: purged expired sessions", "count", n)
		}
		if mt, ok := a.users.(MailTokenStore); ok && a.mail != nil {
			if n, err := mt.PurgeMailTokens(ctx, a.set.now().UTC()); err != nil {
				a.set.logger.Warn("ginjwt: purging expired mail tokens failed", "error", err)
			} else if n > 0 {
				a.set.logger.Info("ginjwt: purged expired mail tokens", "count", n)
			}
		}
	}()
}

// truncate makes client-supplied text safe to store: valid UTF-8, no NUL
// (PostgreSQL refuses both), at most n bytes, cut on a rune boundary.
func truncate(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
