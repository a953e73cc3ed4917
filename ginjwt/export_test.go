package ginjwt

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// VerifySignature checks a compact JWS at signature level against ks, with
// the key chosen and the algorithm pinned exactly as the middleware does
// (keySet.pickKid, the key's own method), but without the access-token checks
// (typ, claims), so that the Wycheproof vectors, whose payloads are no
// claim sets, can be judged by their signatures.
func VerifySignature(ks KeySet, jws string, strict bool) error {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%d segments", len(parts))
	}
	var opts []jwt.ParserOption
	if strict {
		opts = append(opts, jwt.WithStrictDecoding())
	}
	p := jwt.NewParser(opts...)
	hb, err := p.DecodeSegment(parts[0])
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	var header map[string]any
	if err := json.Unmarshal(hb, &header); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	alg, _ := header["alg"].(string)
	if !ks.hasAlg(alg) {
		return fmt.Errorf("alg %v is not in the key set", header["alg"])
	}
	if _, ok := header["crit"]; ok {
		return errors.New("crit header")
	}
	if _, err := p.DecodeSegment(parts[1]); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	sig, err := p.DecodeSegment(parts[2])
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	kid, hasKid := header["kid"]
	name, kidStr := kid.(string)
	k, err := ks.s.pickKid(alg, name, hasKid, kidStr)
	if err != nil {
		return err
	}
	return k.alg.method.Verify(parts[0]+"."+parts[1], sig, k.verifyKey())
}

func (s KeySet) hasAlg(alg string) bool {
	for _, a := range s.s.algs {
		if a == alg {
			return true
		}
	}
	return false
}

// TokenCacheLen returns how many verified tokens the current key set's
// cache holds.
func (a *Auth[U]) TokenCacheLen() int {
	if c := a.tokens.ring.Load().cache; c != nil {
		return c.len()
	}
	return 0
}

// OnSharedRead calls f(key) each time a request joins a store read in
// flight (coalesce.go) instead of starting its own, until the test ends.
func OnSharedRead(t interface{ Cleanup(func()) }, f func(key string)) {
	testHookJoined.Store(&f)
	t.Cleanup(func() { testHookJoined.Store(nil) })
}
