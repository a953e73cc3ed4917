package password

import (
	"context"
	"testing"
)

// newTestHasher returns a Hasher with TestingOptions changed by edit.
func newTestHasher(t testing.TB, edit func(*Options)) *Hasher {
	t.Helper()
	o := TestingOptions()
	if edit != nil {
		edit(&o)
	}
	h, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

// mustHash hashes pw or fails the test.
func mustHash(t testing.TB, h *Hasher, pw string) string {
	t.Helper()
	enc, err := h.Hash(context.Background(), pw)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	return enc
}

// verify calls Verify with a background context.
func verify(h *Hasher, pw, enc string) (ok, rehash bool, err error) {
	return h.Verify(context.Background(), pw, enc)
}
