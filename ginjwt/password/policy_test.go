package password

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateLengths(t *testing.T) {
	h := newTestHasher(t, nil)
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"empty", "", ErrPasswordTooShort},
		{"7 characters", strings.Repeat("a", 7), ErrPasswordTooShort},
		{"8 characters", strings.Repeat("a", 8), nil},
		{"256 characters", strings.Repeat("a", 256), nil},
		{"257 characters", strings.Repeat("a", 257), ErrPasswordTooLong},
		// Characters are runes, not bytes.
		{"7 × é (14 bytes)", strings.Repeat("é", 7), ErrPasswordTooShort},
		{"8 × é", strings.Repeat("é", 8), nil},
		{"4 × 😀 (16 bytes)", strings.Repeat("😀", 4), ErrPasswordTooShort},
		{"256 × 😀 (1024 bytes)", strings.Repeat("😀", 256), nil},
		{"257 × 😀", strings.Repeat("😀", 257), ErrPasswordTooLong},
		{"spaces count", "        ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := h.Validate(tt.pw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
			if err != nil && tt.pw != "" && strings.Contains(err.Error(), tt.pw) {
				t.Errorf("error %q quotes the password", err)
			}
			// Hash applies the same policy before hashing.
			enc, err := h.Hash(t.Context(), tt.pw)
			if !errors.Is(err, tt.want) || (err == nil) == (enc == "") {
				t.Fatalf("Hash = %q, %v; want a hash iff %v is nil", enc, err, tt.want)
			}
		})
	}
}

func TestValidateCustomLengths(t *testing.T) {
	h := newTestHasher(t, func(o *Options) { o.MinLength, o.MaxLength = 12, 20 })
	for pw, want := range map[string]error{
		strings.Repeat("a", 11): ErrPasswordTooShort,
		strings.Repeat("a", 12): nil,
		strings.Repeat("a", 20): nil,
		strings.Repeat("a", 21): ErrPasswordTooLong,
	} {
		if err := h.Validate(pw); !errors.Is(err, want) {
			t.Errorf("Validate(%d characters) = %v, want %v", len(pw), err, want)
		}
	}
}

func TestPolicyErrorDetail(t *testing.T) {
	h := newTestHasher(t, nil)
	err := h.Validate("short")
	if got, want := err.Error(), "password: too short: 5 characters, the minimum is 8"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// Signin does not apply the policy: a password the current policy refuses
// still verifies against a hash made under an older one.
func TestVerifyIgnoresLengthPolicy(t *testing.T) {
	old := newTestHasher(t, func(o *Options) { o.MinLength, o.MaxLength = 1, 1000 })
	h := newTestHasher(t, nil)
	for _, pw := range []string{"abc", strings.Repeat("x", 300)} {
		enc := mustHash(t, old, pw)
		if ok, rehash, err := verify(h, pw, enc); !ok || rehash || err != nil {
			t.Errorf("Verify(%d characters) = %v, %v, %v; want true, false, nil", len(pw), ok, rehash, err)
		}
	}
}
