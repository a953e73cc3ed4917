package password

import (
	"errors"
	"strings"
	"testing"
)

// Known answers of the argon2 reference implementation
// (phc-winner-argon2's test vectors), password "password", salt "somesalt".
var referenceArgon2id = []string{
	"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
}

func TestVerifyReferenceVectors(t *testing.T) {
	h := newTestHasher(t, nil)
	for _, enc := range referenceArgon2id {
		ok, rehash, err := verify(h, "password", enc)
		if err != nil || !ok || !rehash {
			t.Errorf("Verify(password, %s) = %v, %v, %v; want true, true (other params), nil", enc, ok, rehash, err)
		}
		if ok, _, err := verify(h, "passwore", enc); ok || err != nil {
			t.Errorf("Verify(passwore, %s) = %v, %v; want false, nil", enc, ok, err)
		}
	}
}

func TestParseArgon2idRoundTrip(t *testing.T) {
	for _, enc := range referenceArgon2id {
		parsed, err := parseArgon2id(enc)
		if err != nil {
			t.Fatalf("parse %s: %v", enc, err)
		}
		if got := parsed.encode(); got != enc {
			t.Errorf("encode(parse(s)) = %s, want %s", got, enc)
		}
		if parsed.params.Memory != 256 || parsed.params.Time != 2 || parsed.params.SaltLen != 8 || parsed.params.KeyLen != 32 {
			t.Errorf("params = %+v", parsed.params)
		}
	}
}

func TestParseArgon2idErrors(t *testing.T) {
	const salt = "c29tZXNhbHQ"                                // 8 bytes
	const key = "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4" // 32 bytes
	valid := "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key
	if _, err := parseArgon2id(valid); err != nil {
		t.Fatalf("the valid base case fails: %v", err)
	}
	long := func(n int) string { return b64.EncodeToString(make([]byte, n)) }
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"prefix only", "$argon2id$"},
		{"argon2i", "$argon2i$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"upper case algorithm", "$ARGON2ID$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"no leading dollar", "argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"version missing", "$argon2id$m=256,t=2,p=1$" + salt + "$" + key},
		{"version 16", "$argon2id$v=16$m=256,t=2,p=1$" + salt + "$" + key},
		{"version leading zero", "$argon2id$v=019$m=256,t=2,p=1$" + salt + "$" + key},
		{"version empty", "$argon2id$v=$m=256,t=2,p=1$" + salt + "$" + key},
		{"version huge", "$argon2id$v=99999999999999999999$m=256,t=2,p=1$" + salt + "$" + key},
		{"key missing", "$argon2id$v=19$m=256,t=2,p=1$" + salt},
		{"key empty", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$"},
		{"salt empty", "$argon2id$v=19$m=256,t=2,p=1$$" + key},
		{"extra field", valid + "$"},
		{"params missing", "$argon2id$v=19$" + salt + "$" + key},
		{"p missing", "$argon2id$v=19$m=256,t=2$" + salt + "$" + key},
		{"extra param", "$argon2id$v=19$m=256,t=2,p=1,keyid=x$" + salt + "$" + key},
		{"params reordered", "$argon2id$v=19$t=2,m=256,p=1$" + salt + "$" + key},
		{"params with spaces", "$argon2id$v=19$m=256, t=2, p=1$" + salt + "$" + key},
		{"m empty", "$argon2id$v=19$m=,t=2,p=1$" + salt + "$" + key},
		{"m negative", "$argon2id$v=19$m=-256,t=2,p=1$" + salt + "$" + key},
		{"m plus sign", "$argon2id$v=19$m=+256,t=2,p=1$" + salt + "$" + key},
		{"m leading zero", "$argon2id$v=19$m=0256,t=2,p=1$" + salt + "$" + key},
		{"m hex", "$argon2id$v=19$m=0x100,t=2,p=1$" + salt + "$" + key},
		{"m over 32 bits", "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + key},
		{"m absurd", "$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key},
		{"m just over the limit", "$argon2id$v=19$m=65537,t=2,p=1$" + salt + "$" + key},
		{"m below 8 per lane", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + key},
		{"t zero", "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key},
		{"t absurd", "$argon2id$v=19$m=256,t=1000000,p=1$" + salt + "$" + key},
		{"p zero", "$argon2id$v=19$m=256,t=2,p=0$" + salt + "$" + key},
		{"p absurd", "$argon2id$v=19$m=256,t=2,p=255$" + salt + "$" + key},
		{"p over 8 bits", "$argon2id$v=19$m=256,t=2,p=257$" + salt + "$" + key},
		{"salt too short", "$argon2id$v=19$m=256,t=2,p=1$" + long(7) + "$" + key},
		{"salt too long", "$argon2id$v=19$m=256,t=2,p=1$" + long(65) + "$" + key},
		{"key too short", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + long(15)},
		{"key too long", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + long(65)},
		{"salt padded", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "=$" + key},
		{"salt url alphabet", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + strings.ReplaceAll(key, "/", "_")},
		{"salt with newline", "$argon2id$v=19$m=256,t=2,p=1$c29tZX\nNhbHQ$" + key},
		{"salt non-zero trailing bits", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHR$" + key},
		{"key impossible length", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key + "AA"},
		{"trailing space", valid + " "},
		{"too long overall", valid + strings.Repeat("A", maxEncodedLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgon2id(tt.in)
			if !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("parse = %v, want ErrInvalidHash", err)
			}
			if tt.in != "" && strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q quotes the hash", err)
			}
			// Verify refuses it the same way, whatever the password.
			ok, rehash, err := verify(newTestHasher(t, nil), "password", tt.in)
			if ok || rehash || !errors.Is(err, ErrInvalidHash) {
				t.Errorf("Verify = %v, %v, %v; want false, false, ErrInvalidHash", ok, rehash, err)
			}
		})
	}
}

func TestVerifyUnknownFormat(t *testing.T) {
	h := newTestHasher(t, nil)
	for _, enc := range []string{"", "password", "$1$abc$def", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", "$pbkdf2-sha256$29000$N2bMOWUhzhjnOd.8jzFmTA$"} {
		ok, _, err := verify(h, "password", enc)
		if ok || !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrInvalidHash", enc, ok, err)
		}
	}
}
