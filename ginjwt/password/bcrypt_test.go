package password

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// bcryptHash makes a bcrypt hash with the library directly, as another
// system would have.
func bcryptHash(t *testing.T, pw string, cost int) string {
	t.Helper()
	b, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerifyBcryptPrefixes(t *testing.T) {
	argon := newTestHasher(t, nil)
	bc := newTestHasher(t, func(o *Options) { o.Algorithm = Bcrypt })
	a := bcryptHash(t, "hunter2hunter2", bcrypt.MinCost) // "$2a$04$..."
	for _, prefix := range []string{"$2a$", "$2b$", "$2y$"} {
		enc := prefix + a[4:]
		t.Run(prefix, func(t *testing.T) {
			ok, rehash, err := verify(argon, "hunter2hunter2", enc)
			if !ok || !rehash || err != nil {
				t.Errorf("argon2id hasher: Verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			ok, rehash, err = verify(bc, "hunter2hunter2", enc)
			if !ok || rehash || err != nil {
				t.Errorf("bcrypt hasher, same cost: Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			ok, rehash, err = verify(argon, "hunter2hunter3", enc)
			if ok || rehash || err != nil {
				t.Errorf("wrong password: Verify = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyBcryptCostChange(t *testing.T) {
	bc := newTestHasher(t, func(o *Options) { o.Algorithm = Bcrypt })
	enc := bcryptHash(t, "hunter2hunter2", bcrypt.MinCost+1)
	ok, rehash, err := verify(bc, "hunter2hunter2", enc)
	if !ok || !rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v; want true, true (cost 5, configured 4), nil", ok, rehash, err)
	}
}

// bcrypt reads only the first 72 bytes, so the library accepts a correct
// 72-byte prefix followed by anything. Verify must not.
func TestBcrypt72BytePrefixTrap(t *testing.T) {
	pw72 := strings.Repeat("0123456789ab", 6) // 72 bytes
	enc := bcryptHash(t, pw72, bcrypt.MinCost)
	junk := pw72 + "junk"
	if err := bcrypt.CompareHashAndPassword([]byte(enc), []byte(junk)); err != nil {
		t.Fatalf("the trap is gone from the library (%v); this test no longer proves anything", err)
	}
	for _, alg := range []string{Argon2id, Bcrypt} {
		h := newTestHasher(t, func(o *Options) { o.Algorithm = alg })
		if ok, _, err := verify(h, pw72, enc); !ok || err != nil {
			t.Errorf("%s: Verify(72 bytes) = %v, %v; want true, nil", alg, ok, err)
		}
		if ok, rehash, err := verify(h, junk, enc); ok || rehash || err != nil {
			t.Errorf("%s: Verify(72 bytes + junk) = %v, %v, %v; want false, false, nil", alg, ok, rehash, err)
		}
	}
	// Multibyte: 24 × "€" is 72 bytes; one more character is over.
	euros := strings.Repeat("€", 24)
	enc = bcryptHash(t, euros, bcrypt.MinCost)
	if ok, _, _ := verify(newTestHasher(t, nil), euros+"€", enc); ok {
		t.Error("Verify(24 € + €) matched the hash of 24 €")
	}
}

func TestBcryptHashRefusesOver72Bytes(t *testing.T) {
	h := newTestHasher(t, func(o *Options) { o.Algorithm = Bcrypt })
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"72 bytes", strings.Repeat("a", 72), nil},
		{"73 bytes", strings.Repeat("a", 73), ErrPasswordTooLong},
		{"24 × € (72 bytes)", strings.Repeat("€", 24), nil},
		{"25 × € (75 bytes, 25 characters)", strings.Repeat("€", 25), ErrPasswordTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := h.Validate(tt.pw); !errors.Is(err, tt.want) {
				t.Errorf("Validate = %v, want %v", err, tt.want)
			}
			enc, err := h.Hash(t.Context(), tt.pw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Hash = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if !strings.HasPrefix(enc, "$2a$04$") {
				t.Errorf("hash %q, want prefix $2a$04$", enc)
			}
			if ok, rehash, err := verify(h, tt.pw, enc); !ok || rehash || err != nil {
				t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestParseBcryptErrors(t *testing.T) {
	valid := bcryptHash(t, "hunter2hunter2", bcrypt.MinCost)
	if _, err := parseBcryptCost(valid); err != nil {
		t.Fatalf("the valid base case fails: %v", err)
	}
	with := func(i int, s string) string { return valid[:i] + s + valid[i+len(s):] }
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"prefix only", "$2a$"},
		{"truncated", valid[:59]},
		{"one byte more", valid + "a"},
		{"$2x$", with(2, "x")},
		{"$2$ without minor", "$2$04$" + valid[7:] + "a"},
		{"$1a$", with(1, "1")},
		{"cost 03", with(4, "03")},
		{"cost 17 (over the limit)", with(4, "17")},
		{"cost 31", with(4, "31")},
		{"cost not digits", with(4, "+4")},
		{"cost one digit", with(4, "4$")},
		{"invalid character", with(30, "$")},
		{"standard base64 character", with(30, "+")},
		{"space", with(59, " ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseBcryptCost(tt.in); !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("parse = %v, want ErrInvalidHash", err)
			}
			ok, _, err := verify(newTestHasher(t, nil), "hunter2hunter2", tt.in)
			if ok || !errors.Is(err, ErrInvalidHash) {
				t.Errorf("Verify = %v, %v; want false, ErrInvalidHash", ok, err)
			}
		})
	}
}
