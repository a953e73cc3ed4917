package ginjwt_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// FuzzCheckUsername: whatever a client types, a username that passes is
// its own normalised form's equal, holds no "@" or space, and checking its
// normalised form again gives the same key (so a user can sign in by
// typing exactly what the store holds).
func FuzzCheckUsername(f *testing.F) {
	for _, s := range []string{"Ada", " ＡＤＡ ", "Straße", "ǅ", "ﬀ", "İstanbul", "a@b", "x\u0345y", "ᾳ", "\u1e9e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		typed, norm, err := ginjwt.CheckUsername(in)
		if err != nil {
			return
		}
		if norm != ginjwt.NormalizeUsername(in) || typed != strings.TrimSpace(in) {
			t.Fatalf("CheckUsername(%q) = %q, %q", in, typed, norm)
		}
		if (norm == "") != (typed == "") || strings.ContainsAny(norm, "@ \t\n") || !utf8.ValidString(norm) {
			t.Fatalf("CheckUsername(%q) let %q through", in, norm)
		}
		if again := ginjwt.NormalizeUsername(norm); again != norm {
			t.Fatalf("NormalizeUsername is not idempotent on %q: %q then %q", in, norm, again)
		}
	})
}

// Every single code point normalises to a fixed point: a second
// normalisation changes nothing.
func TestNormalizeUsernameIsIdempotent(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, in := range []string{string(r), "a" + string(r), string(r) + "́"} {
			n := ginjwt.NormalizeUsername(in)
			if again := ginjwt.NormalizeUsername(n); again != n {
				t.Errorf("U+%04X in %q: %q then %q", r, in, n, again)
			}
		}
	}
}
