package ginjwt

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Verifying an access token. golang-jwt's Parser decodes the header into a
// map and the claim set with encoding/json (which checks the text, then
// hands it to Claims.UnmarshalJSON, which scans it again), and only then
// checks the signature. The request path verifies with golang-jwt's
// signing methods and claim validator, in this order instead:
//
//  1. split the three segments and decode the header in one strict pass
//     (alg, typ, kid, crit; any other member is checked and ignored);
//  2. choose the key by kid, with its pinned algorithm, and check the
//     signature over the first two segments as they are in the token;
//  3. only then decode the claim set, in one strict pass (claimsjson.go);
//  4. validate the claims with golang-jwt's Validator (exp required, nbf,
//     iat, iss and aud, with the leeway).
//
// So nothing of an unsigned token's claims is parsed, a forged token costs
// one signature check, and a good one one pass over each segment. Errors
// wrap golang-jwt's sentinels as its Parser's do: ErrTokenMalformed,
// ErrTokenUnverifiable (with ErrTokenType, ErrCritHeader, ErrUnknownKey or
// ErrKeyAlgorithm), ErrTokenSignatureInvalid, ErrTokenInvalidClaims.

// b64Strict decodes base64url without padding, refusing non-zero trailing bits
// (golang-jwt's WithStrictDecoding): one spelling per token.
var b64Strict = base64.RawURLEncoding.Strict()

// jwsHeader is what the request path reads of a token's header.
type jwsHeader struct {
	alg, typ, kid  string
	hasKid, kidStr bool // kid present; kid a JSON string
	crit           bool
}

// verify checks the compact JWS raw under the ring's keys and decodes its
// claims into claims.
func (r *keyring) verify(raw string, claims *Claims) error {
	h, rest, ok := strings.Cut(raw, ".")
	p, s, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.IndexByte(s, '.') >= 0 {
		return jwsErr(jwt.ErrTokenMalformed, "token contains an invalid number of segments", nil)
	}
	hb, err := b64Strict.DecodeString(h)
	if err != nil {
		return jwsErr(jwt.ErrTokenMalformed, "could not base64 decode header", err)
	}
	var hdr jwsHeader
	if err := hdr.decode(hb); err != nil {
		return jwsErr(jwt.ErrTokenMalformed, "could not JSON decode header", err)
	}
	if hdr.alg == "" {
		return jwsErr(jwt.ErrTokenUnverifiable, "signing method (alg) is unspecified", nil)
	}
	if !slices.Contains(r.set.s.algs, hdr.alg) {
		return jwsErr(jwt.ErrTokenSignatureInvalid, fmt.Sprintf("signing method %q is invalid", hdr.alg), nil)
	}
	if !strings.EqualFold(hdr.typ, AccessTokenType) && !strings.EqualFold(hdr.typ, "application/"+AccessTokenType) {
		return jwsErr(jwt.ErrTokenUnverifiable, "", ErrTokenType)
	}
	if hdr.crit {
		return jwsErr(jwt.ErrTokenUnverifiable, "", ErrCritHeader)
	}
	k, err := r.set.s.pickKid(hdr.alg, hdr.kid, hdr.hasKid, hdr.kidStr)
	if err != nil {
		return jwsErr(jwt.ErrTokenUnverifiable, "", err)
	}
	sig, err := b64Strict.DecodeString(s)
	if err != nil {
		return jwsErr(jwt.ErrTokenMalformed, "could not base64 decode signature", err)
	}
	if err := k.alg.method.Verify(raw[:len(h)+1+len(p)], sig, k.verifyKey()); err != nil {
		return jwsErr(jwt.ErrTokenSignatureInvalid, "", err)
	}
	pb, err := b64Strict.DecodeString(p)
	if err != nil {
		return jwsErr(jwt.ErrTokenMalformed, "could not base64 decode claim", err)
	}
	if err := claims.UnmarshalJSON(pb); err != nil {
		return jwsErr(jwt.ErrTokenMalformed, "could not JSON decode claim", err)
	}
	if err := r.validator.Validate(claims); err != nil {
		return jwsErr(jwt.ErrTokenInvalidClaims, "", err)
	}
	return nil
}

// decode reads a JOSE header: a JSON object whose alg, typ and kid, when
// present, are read, and in which a duplicate of one of them is refused.
func (hdr *jwsHeader) decode(b []byte) error {
	var seen uint8
	return eachMember(b, "header", func(name string, val []byte) error {
		var bit uint8
		switch name {
		case "alg":
			bit = 1
		case "typ":
			bit = 2
		case "kid":
			bit = 4
		case "crit":
			bit = 8
		default:
			return nil
		}
		if seen&bit != 0 {
			return errors.New("duplicate header " + name)
		}
		seen |= bit
		if name == "crit" {
			hdr.crit = true
			return nil
		}
		if val[0] != '"' {
			if name == "kid" {
				hdr.hasKid = true // not a string: names no key
				return nil
			}
			return errors.New(name + " must be a string")
		}
		str, err := (&scanner{b: val}).str()
		if err != nil {
			return err
		}
		switch name {
		case "alg":
			hdr.alg = str
		case "typ":
			hdr.typ = str
		default:
			hdr.kid, hdr.hasKid, hdr.kidStr = str, true, true
		}
		return nil
	})
}

// jwsErr wraps kind (a golang-jwt sentinel) with a message and a cause.
func jwsErr(kind error, msg string, cause error) error {
	switch {
	case cause == nil:
		return fmt.Errorf("%w: %s", kind, msg)
	case msg == "":
		return fmt.Errorf("%w: %w", kind, cause)
	}
	return fmt.Errorf("%w: %s: %w", kind, msg, cause)
}
