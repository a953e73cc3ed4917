package ginjwt

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
)

// Key errors. Every error of a key constructor matches ErrKey and, where it
// applies, one of the more precise sentinels; the message says what is
// wrong and with which algorithm.
var (
	// ErrKey: the key cannot be used (matched by every key error).
	ErrKey = errors.New("ginjwt: unusable key")
	// ErrKeyType: the key's type does not fit the algorithm (an RSA key
	// for ES256, a P-384 key for ES256, an HMAC secret for EdDSA…).
	ErrKeyType = errors.New("ginjwt: key type does not fit the algorithm")
	// ErrNotSigningKey: a public key was given where a signing key is needed.
	ErrNotSigningKey = errors.New("ginjwt: not a signing key")
	// ErrWeakKey: an RSA modulus under 2048 bits, or an HMAC secret shorter
	// than the hash output.
	ErrWeakKey = errors.New("ginjwt: key too weak")
	// ErrEncryptedKey: the PEM is encrypted; ginjwt reads plain keys only.
	ErrEncryptedKey = errors.New("ginjwt: encrypted PEM")
)

// keyError is a key error: the umbrella ErrKey, a precise reason, the text.
type keyError struct {
	reason error
	msg    string
}

func (e *keyError) Error() string { return "ginjwt: key: " + e.msg }

func (e *keyError) Is(target error) bool { return target == ErrKey || target == e.reason }

func keyErrorf(reason error, format string, args ...any) error {
	return &keyError{reason: reason, msg: fmt.Sprintf(format, args...)}
}

// errorf is a plain error with a formatted message.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// Key is one key of a [KeySet]: key material, the one algorithm it is
// pinned to (a token's own "alg" never chooses how it is verified), and
// its key id, the "kid" header of the tokens it signs.
//
// Build it with [NewHMACKey], [NewSigningKey], [NewVerifyKey],
// [ParseSigningKeyPEM] or [ParseVerifyKeyPEM]. A Key is immutable and safe
// to copy. By default its kid is the RFC 7638 JWK thumbprint of the public
// key (stable across restarts and machines), or, for an HMAC secret, a
// keyed digest of it that reveals nothing of the secret; [Key.WithKeyID]
// sets another.
type Key struct {
	alg    *algorithm
	kid    string
	secret []byte           // HMAC
	signer crypto.Signer    // the private key; nil when verify-only or HMAC
	public crypto.PublicKey // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// NewHMACKey returns an HMAC key for alg (HS256, HS384 or HS512). secret
// must be at least as long as the hash output (32, 48 or 64 bytes) and
// random: a secret that is a PEM or JWK encoded key is refused, since
// using a public key as an HMAC secret is the classic algorithm-confusion
// attack. The secret is copied.
func NewHMACKey(alg string, secret []byte) (Key, error) {
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return Key{}, keyErrorf(ErrKeyType, "%v", err)
	}
	if a.kind != kindHMAC {
		return Key{}, keyErrorf(ErrKeyType, "%s needs %s, not an HMAC secret", a.name, a.kind)
	}
	if len(secret) == 0 {
		return Key{}, keyErrorf(ErrWeakKey, "%s: the secret is empty", a.name)
	}
	if len(secret) < a.minKey {
		return Key{}, keyErrorf(ErrWeakKey, "%s: a %d-byte secret is too short: at least %d bytes (the hash output size)", a.name, len(secret), a.minKey)
	}
	if looksLikeEncodedKey(secret) {
		return Key{}, keyErrorf(ErrKeyType, "%s: the secret is a PEM or JWK encoded key; an HMAC secret must be random bytes, and a public key must never be one", a.name)
	}
	k := Key{alg: a, secret: bytes.Clone(secret)}
	k.kid = hmacKeyID(a.name, k.secret)
	return k, nil
}

// looksLikeEncodedKey reports whether b is a PEM block or a JWK.
func looksLikeEncodedKey(b []byte) bool {
	t := bytes.TrimSpace(b)
	return bytes.Contains(t, []byte("-----BEGIN ")) ||
		(bytes.HasPrefix(t, []byte("{")) && bytes.Contains(t, []byte(`"kty"`)))
}

// NewSigningKey returns a signing key for alg from a Go private key:
// *rsa.PrivateKey (RS*, PS*; at least 2048 bits), *ecdsa.PrivateKey (ES256
// on P-256, ES384 on P-384, ES512 on P-521) or ed25519.PrivateKey (EdDSA).
// A public key is refused with [ErrNotSigningKey].
func NewSigningKey(alg string, private crypto.PrivateKey) (Key, error) {
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return Key{}, keyErrorf(ErrKeyType, "%v", err)
	}
	var signer crypto.Signer
	switch k := private.(type) {
	case *rsa.PrivateKey:
		if err := k.Validate(); err != nil {
			return Key{}, keyErrorf(ErrKey, "%s: the RSA private key is invalid: %v", a.name, err)
		}
		signer = k
	case *ecdsa.PrivateKey:
		signer = k
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return Key{}, keyErrorf(ErrKey, "%s: an Ed25519 private key is %d bytes, not %d", a.name, ed25519.PrivateKeySize, len(k))
		}
		signer = k
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return Key{}, keyErrorf(ErrNotSigningKey, "%s: %s is a public key, which cannot sign; give the private key (or use it as a verify-only key)", a.name, describeKey(k))
	case []byte:
		return Key{}, keyErrorf(ErrKeyType, "%s: raw bytes are an HMAC secret; use NewHMACKey", a.name)
	default:
		return Key{}, keyErrorf(ErrKeyType, "%s: unsupported key type %T", a.name, private)
	}
	k, err := newPublicKey(a, signer.Public())
	if err != nil {
		return Key{}, err
	}
	k.signer = signer
	return k, nil
}

// NewVerifyKey returns a verify-only key for alg from a Go public key
// (*rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey), or from a private
// key, of which only the public half is kept.
func NewVerifyKey(alg string, public crypto.PublicKey) (Key, error) {
	a, err := lookupAlgorithm(alg)
	if err != nil {
		return Key{}, keyErrorf(ErrKeyType, "%v", err)
	}
	switch k := public.(type) {
	case *rsa.PrivateKey:
		public = &k.PublicKey
	case *ecdsa.PrivateKey:
		public = &k.PublicKey
	case ed25519.PrivateKey:
		public = k.Public()
	case []byte:
		return Key{}, keyErrorf(ErrKeyType, "%s: raw bytes are an HMAC secret; use NewHMACKey", a.name)
	}
	return newPublicKey(a, public)
}

// newPublicKey checks that pub fits a and returns a verify-only key.
func newPublicKey(a *algorithm, pub crypto.PublicKey) (Key, error) {
	if a.kind == kindHMAC {
		return Key{}, keyErrorf(ErrKeyType, "%s needs an HMAC secret, not %s; an asymmetric key never verifies HMAC tokens", a.name, describeKey(pub))
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if a.kind != kindRSA {
			return Key{}, keyErrorf(ErrKeyType, "%s needs %s, not %s", a.name, a.kind, describeKey(pub))
		}
		if bits := k.N.BitLen(); bits < minRSABits {
			return Key{}, keyErrorf(ErrWeakKey, "%s: an RSA key of %d bits is too weak: at least %d", a.name, bits, minRSABits)
		}
		if k.E < 3 || k.E%2 == 0 {
			return Key{}, keyErrorf(ErrKey, "%s: the RSA public exponent %d is invalid", a.name, k.E)
		}
	case *ecdsa.PublicKey:
		if a.kind != kindEC {
			return Key{}, keyErrorf(ErrKeyType, "%s needs %s, not %s", a.name, a.kind, describeKey(pub))
		}
		if k.Curve != a.curve {
			return Key{}, keyErrorf(ErrKeyType, "%s needs a key on %s, not %s", a.name, a.curve.Params().Name, describeKey(pub))
		}
		if _, err := k.ECDH(); err != nil { // the point is on the curve
			return Key{}, keyErrorf(ErrKey, "%s: invalid ECDSA public key: %v", a.name, err)
		}
	case ed25519.PublicKey:
		if a.kind != kindEd25519 {
			return Key{}, keyErrorf(ErrKeyType, "%s needs %s, not %s", a.name, a.kind, describeKey(pub))
		}
		if len(k) != ed25519.PublicKeySize {
			return Key{}, keyErrorf(ErrKey, "%s: an Ed25519 public key is %d bytes, not %d", a.name, ed25519.PublicKeySize, len(k))
		}
	default:
		return Key{}, keyErrorf(ErrKeyType, "%s: unsupported key type %T", a.name, pub)
	}
	k := Key{alg: a, public: pub}
	k.kid = thumbprint(k.jwk())
	return k, nil
}

// describeKey names a key's type for error messages.
func describeKey(k any) string {
	switch k := k.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("an RSA public key (%d bits)", k.N.BitLen())
	case *rsa.PrivateKey:
		return fmt.Sprintf("an RSA private key (%d bits)", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "an ECDSA public key on " + k.Curve.Params().Name
	case *ecdsa.PrivateKey:
		return "an ECDSA private key on " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "an Ed25519 public key"
	case ed25519.PrivateKey:
		return "an Ed25519 private key"
	}
	return fmt.Sprintf("a %T", k)
}

// hmacKeyID is the default kid of an HMAC secret: HMAC-SHA256 under the
// secret of a fixed label and the algorithm, 128 bits of it. Without the
// secret it cannot be computed, and it tells nothing about the secret.
func hmacKeyID(alg string, secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ginjwt key id\x00" + alg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// WithKeyID returns a copy of k whose kid is kid. A kid must be 1 to 256
// printable ASCII characters, and unique within a [KeySet].
func (k Key) WithKeyID(kid string) Key {
	k.kid = kid
	return k
}

// KeyID returns the key's kid.
func (k Key) KeyID() string { return k.kid }

// Algorithm returns the algorithm the key is pinned to ("" for the zero Key).
func (k Key) Algorithm() string {
	if k.alg == nil {
		return ""
	}
	return k.alg.name
}

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k.alg == nil }

// CanSign reports whether k can sign tokens (an HMAC secret or a private key).
func (k Key) CanSign() bool { return k.secret != nil || k.signer != nil }

// Public returns the public key (*rsa.PublicKey, *ecdsa.PublicKey or
// ed25519.PublicKey), or nil for an HMAC key.
func (k Key) Public() crypto.PublicKey { return k.public }

// VerifyOnly returns k without its private half: the key verifies tokens
// and never signs. An HMAC secret signs and verifies alike, so an HMAC key
// stays as it is, but a [KeySet] never signs with a verify-only entry.
func (k Key) VerifyOnly() Key {
	k.signer = nil
	return k
}

// signingKey is what golang-jwt's Sign takes for this key.
func (k *Key) signingKey() any {
	if k.alg.kind == kindHMAC {
		return k.secret
	}
	return k.signer
}

// verifyKey is what golang-jwt's (or ginjwt's PSS) Verify takes.
func (k *Key) verifyKey() any {
	if k.alg.kind == kindHMAC {
		return k.secret
	}
	return k.public
}

// b64 is base64url without padding of b.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// b64Int is base64url of an unsigned big-endian integer without leading zeros.
func b64Int(n *big.Int) string { return b64(n.Bytes()) }
