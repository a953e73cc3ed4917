package ginjwt

import (
	"strings"
	"testing"
	"unsafe"
)

// The cache holds a copy of the claims, whose raw is a clone: neither the
// parser's claims nor the request's header memory is shared with it.
func TestTokenCacheStoresAPrivateCopy(t *testing.T) {
	c := newTokenCache(64, 1<<20)
	header := "Bearer token.a.sig"
	raw := header[len("Bearer "):]
	cl := &Claims{Scope: "a", raw: raw}
	c.put(raw, cl)
	cl.Scope = "changed after put"

	got := c.get(strings.Clone(raw))
	switch {
	case got == nil:
		t.Fatal("the token was not cached")
	case got == cl || got.Scope != "a":
		t.Fatalf("the cache shares the parser's claims (scope %q)", got.Scope)
	case got.raw != raw || unsafe.StringData(got.raw) == unsafe.StringData(raw):
		t.Fatal("the cached claims' raw is not a clone of the token")
	}
	if c.len() != 1 {
		t.Fatalf("len %d, want 1", c.len())
	}
	if newTokenCache(0, 1<<20) != nil {
		t.Fatal("0 entries must turn the cache off (nil)")
	}
}
