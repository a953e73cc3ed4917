package ginjwt

import (
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// state is the runtime state shared by everything built from Configs over
// the same stores: the middleware of ginjwt.New(cfg) and the routes of
// Mount(group, cfg) see the same caches, so a logout through one is seen by
// the other at once, although each received its own copy of cfg.
type state[U User] struct {
	cache    *cache[U]
	hasher   *password.Hasher // used when Config.Passwords is nil
	throttle *MemoryThrottle  // used when Config.Throttle is nil
	purged   atomic.Int64     // unix nanoseconds of the last background purge

	mu      sync.RWMutex
	mounted map[string]bool // full paths of routes that authenticate themselves
}

type stateKey struct{ users, sessions any }

var states sync.Map // stateKey -> *state[U]

// sharedState returns the state for this pair of stores, creating it on
// first use. Stores that are not pointers (or other comparable references)
// cannot be recognised again, and get a state of their own.
func sharedState[U User](users UserStore[U], sessions SessionStore, ttl time.Duration) *state[U] {
	fresh := &state[U]{
		cache:    newCache[U](ttl),
		hasher:   password.MustNew(password.Options{}),
		throttle: NewMemoryThrottle(0, 0),
		mounted:  map[string]bool{},
	}
	if !isReference(users) || (sessions != nil && !isReference(sessions)) {
		return fresh
	}
	key := stateKey{users: users, sessions: sessions}
	if sessions == nil {
		key.sessions = nil
	}
	v, _ := states.LoadOrStore(key, fresh)
	st, ok := v.(*state[U])
	if !ok {
		return fresh
	}
	return st
}

func isReference(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		return true
	}
	return false
}

// markMounted records a route path that the middleware leaves alone.
func (st *state[U]) markMounted(path string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.mounted[path] = true
}

func (st *state[U]) isMounted(path string) bool {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.mounted[path]
}
