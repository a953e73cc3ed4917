package ginjwt

import (
	"errors"
)

// KeySet is the keys an [Auth] signs and verifies access tokens with: one
// active key that signs every new token, and any number of verify-only
// keys whose tokens are still accepted (during a rotation, or a migration
// from one algorithm to another). Algorithms may be mixed.
//
// Verification picks the key by the token's "kid" and checks the token's
// "alg" against the one pinned for that key; a token without "kid" is
// accepted only when the set holds exactly one key of its algorithm. Header
// fields that point at keys (jku, x5u, jwk, x5c) are never followed.
//
// A KeySet is immutable and cheap to copy; build one with [NewKeySet] and
// swap it into a running Auth with [Auth.SetKeys]. The zero KeySet is
// empty: Config.Keys left zero means "build it from SigningKey".
type KeySet struct {
	s *keySet
}

type keySet struct {
	keys      []Key           // the active key first
	byKid     map[string]*Key // every key by kid
	single    map[string]*Key // by alg, when exactly one key has that alg
	algs      []string        // the algorithms of the set, for the parser
	jwks      []byte          // the JWK Set document of the public keys
	etag      string          // its ETag
	published int             // how many keys it lists
}

// NewKeySet returns a key set that signs with active and verifies with
// active and every key of verifyOnly (whose private halves are dropped).
// active must be able to sign; kids must be unique and well formed (1 to
// 256 printable ASCII characters). The same RSA key under RS256 and PS256
// has one default kid: give one of them another with [Key.WithKeyID].
func NewKeySet(active Key, verifyOnly ...Key) (KeySet, error) {
	if active.IsZero() {
		return KeySet{}, errors.New("ginjwt: key set: no active key")
	}
	if !active.CanSign() {
		return KeySet{}, keyErrorf(ErrNotSigningKey, "the active key %q (%s) has no private key; it can only be a verify-only key", active.kid, active.Algorithm())
	}
	s := &keySet{
		keys:   make([]Key, 0, 1+len(verifyOnly)),
		byKid:  make(map[string]*Key, 1+len(verifyOnly)),
		single: map[string]*Key{},
	}
	s.keys = append(s.keys, active)
	for i, k := range verifyOnly {
		if k.IsZero() {
			return KeySet{}, errorf("ginjwt: key set: verify-only key %d is the zero Key", i)
		}
		s.keys = append(s.keys, k.VerifyOnly())
	}
	count := map[string]int{}
	for i := range s.keys {
		k := &s.keys[i]
		if err := checkKeyID(k.kid); err != nil {
			return KeySet{}, err
		}
		if other, dup := s.byKid[k.kid]; dup {
			return KeySet{}, errorf("ginjwt: key set: kid %q is used twice (%s and %s); give one key another kid with WithKeyID", k.kid, other.Algorithm(), k.Algorithm())
		}
		s.byKid[k.kid] = k
		if count[k.alg.name]++; count[k.alg.name] == 1 {
			s.algs = append(s.algs, k.alg.name)
			s.single[k.alg.name] = k
		} else {
			delete(s.single, k.alg.name)
		}
	}
	s.jwks, s.etag, s.published = jwksDocument(s.keys)
	return KeySet{s: s}, nil
}

// MustNewKeySet is like [NewKeySet] but panics on an error.
func MustNewKeySet(active Key, verifyOnly ...Key) KeySet {
	ks, err := NewKeySet(active, verifyOnly...)
	if err != nil {
		panic(err.Error())
	}
	return ks
}

func checkKeyID(kid string) error {
	if kid == "" || len(kid) > 256 {
		return errorf("ginjwt: key set: a kid must be 1 to 256 characters, got %d", len(kid))
	}
	for i := 0; i < len(kid); i++ {
		if kid[i] < 0x20 || kid[i] > 0x7e {
			return errorf("ginjwt: key set: kid %q holds a character outside printable ASCII", kid)
		}
	}
	return nil
}

// IsZero reports whether s is the zero (empty) KeySet.
func (s KeySet) IsZero() bool { return s.s == nil }

// Active returns the key that signs new tokens.
func (s KeySet) Active() Key {
	if s.s == nil {
		return Key{}
	}
	return s.s.keys[0]
}

// Keys returns every key of the set, the active one first.
func (s KeySet) Keys() []Key {
	if s.s == nil {
		return nil
	}
	return append([]Key(nil), s.s.keys...)
}

// Lookup returns the key whose kid is kid.
func (s KeySet) Lookup(kid string) (Key, bool) {
	if s.s == nil {
		return Key{}, false
	}
	k, ok := s.s.byKid[kid]
	if !ok {
		return Key{}, false
	}
	return *k, true
}

// JWKS returns the JWK Set document (RFC 7517) of the set's public keys,
// as the JWKS handler serves it: {"keys": [...]}, HMAC keys left out.
func (s KeySet) JWKS() []byte {
	if s.s == nil {
		return []byte(`{"keys":[]}`)
	}
	return append([]byte(nil), s.s.jwks...)
}

// pickKid returns the key that verifies a token with header alg and kid
// (hasKid: the header has a kid; kidStr false: it is not a JSON string,
// and names no key).
func (s *keySet) pickKid(alg, kid string, hasKid, kidStr bool) (*Key, error) {
	if !hasKid {
		if k := s.single[alg]; k != nil {
			return k, nil
		}
		return nil, ErrUnknownKey // no kid, and not exactly one key of alg
	}
	if !kidStr {
		return nil, ErrUnknownKey
	}
	k := s.byKid[kid]
	switch {
	case k == nil:
		return nil, ErrUnknownKey
	case k.alg.name != alg:
		return nil, ErrKeyAlgorithm
	}
	return k, nil
}
