package ginjwt

import (
	"reflect"
	"sync"
	"sync/atomic"

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
	// mountPath is the group the auth routes were mounted on, the
	// default Path of the refresh cookie for every Auth over these stores.
	mountPath atomic.Pointer[string]
}

type stateKey struct{ users, sessions any }

var states sync.Map // stateKey -> *state[U]

// sharedState returns the state for this pair of stores, creating it on
// first use. Stores that are not pointers (or other comparable references)
// cannot be recognised again, and get a state of their own.
func sharedState[U User](users UserStore[U], sessions SessionStore) *state[U] {
	shareable := isReference(users) && (sessions == nil || isReference(sessions))
	key := stateKey{users: users, sessions: sessions}
	if shareable {
		if st, ok := states.Load(key); ok {
			if st, ok := st.(*state[U]); ok {
				return st
			}
		}
	}
	fresh := &state[U]{
		cache:    newCache[U](),
		hasher:   password.MustNew(password.Options{}),
		throttle: NewMemoryThrottle(0, 0, 0),
	}
	if !shareable {
		return fresh
	}
	v, _ := states.LoadOrStore(key, fresh)
	if st, ok := v.(*state[U]); ok {
		return st
	}
	return fresh
}

func isReference(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer: // hashable, unlike maps
		return true
	}
	return false
}
