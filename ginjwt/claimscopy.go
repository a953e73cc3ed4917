package ginjwt

import "github.com/golang-jwt/jwt/v5"

// ownedClaims is a deep copy of a Claims value that needs no allocation
// of its own: the times a Claims points at, and its audience when it has
// one, are held beside it. It lives inside the request's identity, so
// that a handler that modifies its claims, even through ExpiresAt or
// Audience, modifies nothing another request (or the token cache) sees,
// and the copy costs no allocation beyond the identity's.
type ownedClaims struct {
	Claims
	exp, nbf, iat jwt.NumericDate
	aud           [1]string
}

// set makes o a deep copy of c.
func (o *ownedClaims) set(c *Claims) {
	o.Claims = *c
	o.ExpiresAt = ownTime(&o.exp, c.ExpiresAt)
	o.NotBefore = ownTime(&o.nbf, c.NotBefore)
	o.IssuedAt = ownTime(&o.iat, c.IssuedAt)
	switch n := len(c.Audience); {
	case c.Audience == nil:
	case n <= 1:
		copy(o.aud[:], c.Audience)
		o.Audience = o.aud[:n:n]
	default:
		o.Audience = append(jwt.ClaimStrings(nil), c.Audience...)
	}
}

func ownTime(dst, src *jwt.NumericDate) *jwt.NumericDate {
	if src == nil {
		return nil
	}
	*dst = *src
	return dst
}

// clone returns a deep copy of c, for callers outside the request path.
func (c *Claims) clone() *Claims {
	o := new(ownedClaims)
	o.set(c)
	return &o.Claims
}
