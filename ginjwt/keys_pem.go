package ginjwt

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
)

// ParseSigningKeyPEM returns a signing key for alg from a PEM private key:
// PKCS#8 ("PRIVATE KEY", what openssl genpkey writes, for every key type)
// or the type's traditional form ("RSA PRIVATE KEY", PKCS#1; "EC PRIVATE
// KEY", SEC 1, with or without the "EC PARAMETERS" block openssl ecparam
// writes before it). Errors say what is wrong: a public key where a signing
// key is needed, an encrypted PEM, a key that does not fit alg, a weak key.
func ParseSigningKeyPEM(alg string, data []byte) (Key, error) {
	key, err := parsePEMKey(alg, data)
	if err != nil {
		return Key{}, err
	}
	return NewSigningKey(alg, key)
}

// ParseVerifyKeyPEM returns a verify-only key for alg from a PEM public key
// (PKIX "PUBLIC KEY", or PKCS#1 "RSA PUBLIC KEY") or from any private key
// ParseSigningKeyPEM reads, of which only the public half is kept.
func ParseVerifyKeyPEM(alg string, data []byte) (Key, error) {
	key, err := parsePEMKey(alg, data)
	if err != nil {
		return Key{}, err
	}
	return NewVerifyKey(alg, key)
}

// parsePEMKey decodes the one key block of data.
func parsePEMKey(alg string, data []byte) (any, error) {
	var blocks []*pem.Block
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "EC PARAMETERS" { // openssl ecparam -genkey's first block: the curve, repeated in the key
			blocks = append(blocks, b)
		}
	}
	switch {
	case len(blocks) == 0:
		return nil, keyErrorf(ErrKey, "%s: no PEM block found (expected -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)", alg)
	case len(blocks) > 1:
		return nil, keyErrorf(ErrKey, "%s: %d PEM blocks; give one key per file", alg, len(blocks))
	}
	b := blocks[0]
	if b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, keyErrorf(ErrEncryptedKey, "%s: the PEM is encrypted; ginjwt reads unencrypted keys only (decrypt it with: openssl pkey -in key.pem -out plain.pem, and keep that file private)", alg)
	}
	var (
		key any
		err error
	)
	switch b.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(b.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(b.Bytes)
	case "CERTIFICATE":
		return nil, keyErrorf(ErrKey, "%s: a certificate, not a key; extract its public key with: openssl x509 -in cert.pem -pubkey -noout", alg)
	default:
		return nil, keyErrorf(ErrKey, "%s: unsupported PEM block %q (use PKCS#8 \"PRIVATE KEY\", PKIX \"PUBLIC KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\")", alg, b.Type)
	}
	if err != nil {
		return nil, keyErrorf(ErrKey, "%s: parsing the %q PEM block: %v", alg, b.Type, err)
	}
	return key, nil
}
