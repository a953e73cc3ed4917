package ginjwt

import "testing"

// Two tokens of one 64-bit hash share a map slot: a look-up of one must
// never answer the other's claims, and storing one replaces the other.
func TestTokenCacheHashCollision(t *testing.T) {
	c := newTokenCache(64, 1<<20)
	c.put("token.a.sig", &Claims{Scope: "a"})

	// Make "token.b.sig" collide with "token.a.sig": file a's entry under b's hash.
	ha, sa := c.locate("token.a.sig")
	hb, sb := c.locate("token.b.sig")
	entry := sa.m[ha]
	delete(sa.m, ha)
	sa.bytes -= len(entry.raw)
	sb.m[hb] = entry
	sb.bytes += len(entry.raw)

	if got := c.get("token.b.sig"); got != nil {
		t.Fatalf("token b answered token a's claims (scope %q)", got.Scope)
	}
	c.put("token.b.sig", &Claims{Scope: "b"})
	if got := c.get("token.b.sig"); got == nil || got.Scope != "b" {
		t.Fatalf("token b after its put: %+v", got)
	}
	if c.len() != 1 || sb.bytes != len("token.b.sig") {
		t.Fatalf("the colliding entry was not replaced: %d entries, %d bytes", c.len(), sb.bytes)
	}
}
