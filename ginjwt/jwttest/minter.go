package jwttest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// TB is the part of testing.TB a [Minter] uses; *testing.T, *testing.B and
// *testing.F satisfy it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Minter mints access tokens for the users of one [ginjwt.Config]. Every
// failure ends the test through TB.Fatalf. A Minter is safe for concurrent
// use if its TB is.
type Minter[U ginjwt.User] struct {
	t    TB
	cfg  ginjwt.Config[U]
	auth *ginjwt.Auth[U]
}

// New compiles cfg, which should be the Config of the engine under test,
// and returns a Minter for it. An invalid cfg ends the test.
func New[U ginjwt.User](t TB, cfg ginjwt.Config[U]) *Minter[U] {
	t.Helper()
	auth, err := ginjwt.Compile(cfg)
	if err != nil {
		t.Fatalf("jwttest: %v", err)
	}
	return &Minter[U]{t: t, cfg: cfg, auth: auth}
}

// Auth returns the compiled Config, for the operations the Minter does not
// wrap (RevokeSession, Refresh, ParseAccessToken, …). It shares its runtime
// state with every engine built from the same stores, so a revocation
// through it is seen by the middleware at once.
func (m *Minter[U]) Auth() *ginjwt.Auth[U] { return m.auth }

// Token returns a valid access token for u. When the Config has a Sessions
// store, it first starts a session for u (as a sign-in does), so that the
// middleware accepts the token; revoking that session or the user makes the
// token fail like a real one. Token does not look u up: u must be in the
// Config's Users store and active for the middleware to accept the token
// (create it with [ginjwt.Auth.CreateUser]).
func (m *Minter[U]) Token(u U) string {
	m.t.Helper()
	if m.cfg.Sessions != nil {
		return m.Pair(u).AccessToken
	}
	tok, err := m.auth.AccessToken(context.Background(), u, "", m.now())
	if err != nil {
		m.t.Fatalf("jwttest: minting a token for %q: %v", u.Subject(), err)
	}
	return tok
}

// Pair starts a session for u and returns its token pair, as a sign-in
// does. It needs a Config with a Sessions store.
func (m *Minter[U]) Pair(u U) ginjwt.TokenPair {
	m.t.Helper()
	if m.cfg.Sessions == nil {
		m.t.Fatalf("jwttest: Pair needs a Config with a Sessions store")
		return ginjwt.TokenPair{}
	}
	pair, err := m.auth.IssueTokens(context.Background(), u, ginjwt.Client{UserAgent: "jwttest", IP: "127.0.0.1"})
	if err != nil {
		m.t.Fatalf("jwttest: issuing tokens for %q: %v", u.Subject(), err)
	}
	return pair
}

// Expired returns an access token for u that is correctly signed, and
// whose session (with a Sessions store) is live, but which expired a minute
// beyond the Config's leeway: the middleware answers it 401 "Token has
// expired".
func (m *Minter[U]) Expired(u U) string {
	m.t.Helper()
	sid := ""
	if m.cfg.Sessions != nil {
		claims, err := m.auth.ParseAccessToken(m.Pair(u).AccessToken)
		if err != nil {
			m.t.Fatalf("jwttest: reading back a fresh token: %v", err)
			return ""
		}
		sid = claims.SessionID
	}
	issuedAt := m.now().Add(-m.lifetime() - m.leeway() - time.Minute)
	tok, err := m.auth.AccessToken(context.Background(), u, sid, issuedAt)
	if err != nil {
		m.t.Fatalf("jwttest: minting an expired token for %q: %v", u.Subject(), err)
	}
	if _, err := m.auth.ParseAccessToken(tok); !errors.Is(err, ginjwt.ErrTokenExpired) {
		m.t.Fatalf("jwttest: the expired token is not seen as expired: %v", err)
	}
	return tok
}

// Tampered returns a valid token for u (as [Minter.Token] makes it) with
// one byte of its claims changed, in the jti, so that the claims still
// decode and only the signature is wrong: the middleware answers it 401
// "Invalid token".
func (m *Minter[U]) Tampered(u U) string {
	m.t.Helper()
	tok := m.Token(u)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		m.t.Fatalf("jwttest: %d segments in a minted token", len(parts))
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		m.t.Fatalf("jwttest: decoding the claims of a minted token: %v", err)
		return ""
	}
	const jti = `"jti":"`
	i := bytes.Index(payload, []byte(jti))
	if i < 0 || i+len(jti) >= len(payload) {
		m.t.Fatalf("jwttest: the minted token has no jti")
		return ""
	}
	i += len(jti)
	if payload[i] == 'A' {
		payload[i] = 'B'
	} else {
		payload[i] = 'A'
	}
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	_, err = m.auth.ParseAccessToken(tampered)
	if err == nil || errors.Is(err, ginjwt.ErrTokenExpired) {
		m.t.Fatalf("jwttest: the tampered token is not rejected for its signature: %v", err)
	}
	return tampered
}

// Header returns the value of the token's header: the Config's first
// scheme ("Bearer" by default), a space and token.
func (m *Minter[U]) Header(token string) string {
	scheme := ginjwt.DefaultScheme
	if len(m.cfg.Schemes) > 0 {
		scheme = m.cfg.Schemes[0]
	}
	return scheme + " " + token
}

// Authorize sets the Config's header ("Authorization" by default) of r to
// [Minter.Header](token). With Config.Extractors set, put the token where
// those extractors look instead.
func (m *Minter[U]) Authorize(r *http.Request, token string) {
	header := m.cfg.Header
	if header == "" {
		header = ginjwt.DefaultHeader
	}
	r.Header.Set(header, m.Header(token))
}

func (m *Minter[U]) now() time.Time {
	if m.cfg.Now != nil {
		return m.cfg.Now()
	}
	return time.Now()
}

// lifetime and leeway mirror the Config's defaults; Expired checks the
// result with ParseAccessToken, so a drift would fail loudly.
func (m *Minter[U]) lifetime() time.Duration {
	if m.cfg.AccessTokenLifetime > 0 {
		return m.cfg.AccessTokenLifetime
	}
	return ginjwt.DefaultAccessTokenLifetime
}

func (m *Minter[U]) leeway() time.Duration {
	switch {
	case m.cfg.Leeway == 0:
		return ginjwt.DefaultLeeway
	case m.cfg.Leeway < 0:
		return 0
	}
	return m.cfg.Leeway
}
