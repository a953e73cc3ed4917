package ginjwt

import (
	"errors"
)

// keySet returns cfg.Keys, or the one-key set that SigningKey, Algorithm
// and KeyID describe, with errors that name the field at fault.
func (cfg *Config[U]) keySet() (KeySet, error) {
	if !cfg.Keys.IsZero() {
		switch {
		case cfg.SigningKey != nil:
			return KeySet{}, configErrorf("SigningKey", "set Keys or SigningKey, not both")
		case cfg.Algorithm != "":
			return KeySet{}, configErrorf("Algorithm", "set with Keys; each key of a KeySet carries its own algorithm")
		case cfg.KeyID != "":
			return KeySet{}, configErrorf("KeyID", "set with Keys; each key of a KeySet carries its own kid (Key.WithKeyID)")
		}
		return cfg.Keys, nil
	}
	alg := cfg.Algorithm
	if alg == "" {
		alg = DefaultAlgorithm
	}
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return KeySet{}, configErrorf("Algorithm", "%v", err)
	}
	if a.kind != kindHMAC {
		return KeySet{}, configErrorf("Algorithm", "%s is asymmetric: SigningKey holds HMAC secrets only; give the key through Keys (ParseSigningKeyPEM or NewSigningKey, then NewKeySet)", alg)
	}
	if len(cfg.SigningKey) == 0 {
		return KeySet{}, configErrorf("SigningKey", "required for %s (or set Keys)", alg)
	}
	k, err := NewHMACKey(alg, cfg.SigningKey)
	if err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			err = errors.New(ke.msg)
		}
		return KeySet{}, configErrorf("SigningKey", "%v", err)
	}
	if cfg.KeyID != "" {
		k = k.WithKeyID(cfg.KeyID)
	}
	ks, err := NewKeySet(k)
	if err != nil {
		return KeySet{}, configErrorf("KeyID", "%v", err)
	}
	return ks, nil
}

// SetKeys swaps the key set of this Auth, atomically and without a lock on
// the request path: every request that starts after SetKeys returns signs
// with the new active key and verifies against the new set, while requests
// already in flight finish with the set they started with. A token whose
// key is not in the new set stops verifying at once.
//
// The set belongs to this Auth (and to what it built: its middleware, its
// routes, its JWKS handler), not to other Auths over the same stores: to
// rotate keys, compile the Config once and use that Auth's Middleware and
// Mount rather than [New] and [Mount]. See docs/keys.md for the rotation
// procedure.
func (a *Auth[U]) SetKeys(ks KeySet) error {
	if ks.IsZero() {
		return errors.New("ginjwt: SetKeys: an empty key set")
	}
	a.tokens.swap(ks)
	return nil
}

// Keys returns the key set in use.
func (a *Auth[U]) Keys() KeySet { return a.tokens.ring.Load().set }

// KeyEpoch counts the key sets this Auth has used: 0 for the one it was
// compiled with, one more for each [Auth.SetKeys]. Anything that caches
// verification results (a cache of verified tokens, say) records the epoch
// with each entry and treats entries of an older epoch as unverified, so
// that a token whose key left the set is not served from the cache after
// a rotation.
func (a *Auth[U]) KeyEpoch() uint64 { return a.tokens.ring.Load().epoch }
