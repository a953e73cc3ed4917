package password

import (
	"errors"
	"strings"
	"testing"
)

// FuzzVerify feeds arbitrary stored hashes (and passwords) to Verify: it
// must never panic, must fail only with ErrInvalidHash, and every argon2id
// string it accepts must be canonical (it encodes back to itself).
func FuzzVerify(f *testing.F) {
	h := newTestHasher(f, nil)
	seeds := append([]string{
		"",
		"$",
		"$argon2id$",
		"$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=4294967295,t=4294967295,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1,keyid=x$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E",
		"$2a$04$sssssssssssssssssssssshhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh",
		"$2y$31$sssssssssssssssssssssshhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh",
		"$2$04$sssssssssssssssssssssshhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh",
		"$2a$04$" + strings.Repeat("\xff", 53),
	}, referenceArgon2id...)
	seeds = append(seeds,
		mustHash(f, h, "password"),
		mustHash(f, newTestHasher(f, func(o *Options) { o.Algorithm = Bcrypt }), "password"),
	)
	for _, s := range seeds {
		f.Add("password", s)
	}
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		// Keep each run cheap: parse hashes with costly (yet accepted)
		// parameters, but do not compute them.
		if strings.HasPrefix(encoded, "$argon2") {
			if parsed, err := parseArgon2id(encoded); err == nil {
				if got := parsed.encode(); got != encoded {
					t.Fatalf("accepted a non-canonical string: %q encodes back as %q", encoded, got)
				}
				if parsed.params.Memory > 1024 || parsed.params.Time > 4 {
					return
				}
			}
		}
		if cost, err := parseBcryptCost(encoded); err == nil && cost > 6 {
			return
		}
		ok, rehash, err := h.Verify(t.Context(), pw, encoded)
		if err != nil && (ok || rehash || !errors.Is(err, ErrInvalidHash)) {
			t.Fatalf("Verify = %v, %v, %v; an error must be ErrInvalidHash with false, false", ok, rehash, err)
		}
		if !ok && rehash {
			t.Fatal("needsRehash without a match")
		}
	})
}
