package ginjwt

import (
	"sync"
	"time"
)

// cache remembers users and sessions the middleware has loaded, and the
// revocations made through this process, which win at once. Each Auth
// reads it with its own Config.CacheTTL; ttl is the longest of them, the
// horizon for sweeping.
//
// Loads record when they started; a load that started before a local
// invalidation of its user is never cached, so a request racing a logout
// cannot put a stale entry back.
type cache[U User] struct {
	ttl time.Duration

	mu        sync.RWMutex
	users     map[string]cachedUser[U]
	sessions  map[string]cachedSession
	epochs    map[string]time.Time // user id -> last local invalidation
	lastSweep time.Time

	// The store reads in flight, shared by concurrent misses (coalesce.go).
	userReads    coalescer[*U]
	sessionReads coalescer[Session]
}

type cachedUser[U User] struct {
	user   *U // shared, read-only: requests point at it instead of copying
	loaded time.Time
}

type cachedSession struct {
	userID    string
	version   int64  // the credentials version it was created under
	csrf      string // its CSRF token (Session.CSRFToken)
	expiresAt time.Time
	revoked   bool // a tombstone: revoked through this process
	loaded    time.Time
}

// sweepAt is the map size above which put looks for stale entries.
const sweepAt = 4096

func newCache[U User]() *cache[U] {
	return &cache[U]{
		users:    map[string]cachedUser[U]{},
		sessions: map[string]cachedSession{},
		epochs:   map[string]time.Time{},
	}
}

// use registers an Auth that caches for ttl.
func (c *cache[U]) use(ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ttl = max(c.ttl, ttl)
}

// fresh reports whether something loaded at loaded for user id may still be
// trusted at now by an Auth caching for ttl. The caller holds mu.
func (c *cache[U]) fresh(id string, loaded, now time.Time, ttl time.Duration) bool {
	if now.Sub(loaded) >= ttl {
		return false
	}
	epoch, ok := c.epochs[id]
	return !ok || loaded.After(epoch)
}

// shareable reports whether a read of user id's data (the user, or one of
// its sessions) that started at started may serve a request now: not if
// the user was invalidated here since, by the rule that keeps such a read
// out of the cache.
func (c *cache[U]) shareable(id string, started time.Time) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	epoch, ok := c.epochs[id]
	return !ok || started.After(epoch)
}

// session returns the cached state of session sid: found reports a usable
// entry, live whether the session may be used by userID at now, version
// the credentials version it was created under and csrf its CSRF token.
func (c *cache[U]) session(sid, userID string, now time.Time, ttl time.Duration) (version int64, csrf string, live, found bool) {
	if ttl == 0 {
		return 0, "", false, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.sessions[sid]
	switch {
	case !ok:
		return 0, "", false, false
	case e.revoked:
		return 0, "", false, true
	case !c.fresh(e.userID, e.loaded, now, ttl):
		return 0, "", false, false
	}
	return e.version, e.csrf, e.userID == userID && now.Before(e.expiresAt), true
}

// putSession caches a session loaded from the store by a load that started
// at started. A tombstone is never overwritten.
func (c *cache[U]) putSession(s Session, started time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl == 0 {
		return // nobody caches
	}
	if old, ok := c.sessions[s.ID]; ok && old.revoked {
		return
	}
	if epoch, ok := c.epochs[s.UserID]; ok && !started.After(epoch) {
		return
	}
	c.sweep(started)
	c.sessions[s.ID] = cachedSession{
		userID: s.UserID, version: s.CredentialsVersion, csrf: s.CSRFToken, expiresAt: s.ExpiresAt,
		revoked: !s.RevokedAt.IsZero(), loaded: started,
	}
}

// user returns the cached user id, if fresh. The caller must not modify
// the user it points at.
func (c *cache[U]) user(id string, now time.Time, ttl time.Duration) (*U, bool) {
	if ttl == 0 {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.users[id]
	if !ok || !c.fresh(id, e.loaded, now, ttl) {
		return nil, false
	}
	return e.user, true
}

// putUser caches a user loaded by a load that started at started.
func (c *cache[U]) putUser(u *U, started time.Time) {
	id := (*u).Subject()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl == 0 {
		return // nobody caches
	}
	if epoch, ok := c.epochs[id]; ok && !started.After(epoch) {
		return
	}
	c.sweep(started)
	c.users[id] = cachedUser[U]{user: u, loaded: started}
}

// revokeSession records that session sid was revoked at now; the tombstone
// lasts until every access token of the session has expired.
func (c *cache[U]) revokeSession(sid, userID string, now, tokensDeadBy time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl == 0 {
		return // nobody caches
	}
	c.sessions[sid] = cachedSession{userID: userID, revoked: true, loaded: now, expiresAt: tokensDeadBy}
}

// invalidateUser drops what is known of user id and its sessions: anything
// loaded before now is read again from the stores.
func (c *cache[U]) invalidateUser(id string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl == 0 {
		return // nobody caches
	}
	delete(c.users, id)
	if epoch, ok := c.epochs[id]; !ok || now.After(epoch) {
		c.epochs[id] = now
	}
}

// sweep drops stale entries when the maps have grown. The caller holds mu.
func (c *cache[U]) sweep(now time.Time) {
	if len(c.users)+len(c.sessions) < sweepAt || now.Sub(c.lastSweep) < c.ttl {
		return
	}
	c.lastSweep = now
	for id, e := range c.users {
		if now.Sub(e.loaded) >= c.ttl {
			delete(c.users, id)
		}
	}
	for id, e := range c.sessions {
		if e.revoked && now.Before(e.expiresAt) {
			continue // tombstones live until the session's tokens are dead
		}
		if now.Sub(e.loaded) >= c.ttl {
			delete(c.sessions, id)
		}
	}
	// An epoch matters only to loads that started before it; loads are
	// bounded by the store deadline, far below a minute.
	for id, t := range c.epochs {
		if now.Sub(t) > c.ttl+time.Minute {
			delete(c.epochs, id)
		}
	}
}
