package tokencache

import (
	"fmt"
	"strings"
	"testing"
)

type claims struct{ scope string }

// Two tokens of one 64-bit hash share a map slot: a look-up of one must
// never answer the other's value, and storing one replaces the other.
func TestHashCollision(t *testing.T) {
	c := New[claims](64, 1<<20)
	c.Put("token.a.sig", &claims{scope: "a"})

	// Make "token.b.sig" collide with "token.a.sig": file a's entry under b's hash.
	ha, sa := c.locate("token.a.sig")
	hb, sb := c.locate("token.b.sig")
	e := sa.m[ha]
	delete(sa.m, ha)
	sa.bytes -= len(e.key)
	sb.m[hb] = e
	sb.bytes += len(e.key)

	if got := c.Get("token.b.sig"); got != nil {
		t.Fatalf("token b answered token a's value (scope %q)", got.scope)
	}
	c.Put("token.b.sig", &claims{scope: "b"})
	if got := c.Get("token.b.sig"); got == nil || got.scope != "b" {
		t.Fatalf("token b after its put: %+v", got)
	}
	if c.Len() != 1 || sb.bytes != len("token.b.sig") {
		t.Fatalf("the colliding entry was not replaced: %d entries, %d bytes", c.Len(), sb.bytes)
	}
}

func TestFirstPutWins(t *testing.T) {
	c := New[claims](64, 1<<20)
	c.Put("t", &claims{scope: "first"})
	c.Put("t", &claims{scope: "second"})
	if got := c.Get("t"); got == nil || got.scope != "first" {
		t.Fatalf("a stored value changed: %+v", got)
	}
	if c.Get("u") != nil {
		t.Fatal("a token never put was found")
	}
}

func TestBoundedInEntriesAndBytes(t *testing.T) {
	const entries = 10 * Shards
	c := New[claims](entries, 1<<20)
	for i := range 10_000 {
		c.Put(fmt.Sprint("token-", i), &claims{})
	}
	if n := c.Len(); n > entries || n < entries/2 {
		t.Fatalf("%d entries for a bound of %d", n, entries)
	}

	// 100-byte tokens under a bound of 2 per shard by bytes, 100 by entries.
	c = New[claims](100*Shards, 200*Shards)
	for i := range 10_000 {
		c.Put(fmt.Sprintf("%0100d", i), &claims{})
	}
	for i := range c.shards {
		if b := c.shards[i].bytes; b > 200 {
			t.Fatalf("shard %d holds %d bytes for a bound of 200", i, b)
		}
	}
	if n := c.Len(); n > 2*Shards {
		t.Fatalf("%d entries of 100 bytes for a bound of %d bytes", n, 200*Shards)
	}

	c.Put(strings.Repeat("x", 201), &claims{})
	if c.Get(strings.Repeat("x", 201)) != nil {
		t.Fatal("a token larger than a shard's bound was stored")
	}
}

func TestOff(t *testing.T) {
	if New[claims](0, 1<<20) != nil {
		t.Fatal("New with 0 entries must return nil (caching off)")
	}
}

// Get is the warm path of every request: it must not allocate.
func TestGetDoesNotAllocate(t *testing.T) {
	c := New[claims](64, 1<<20)
	c.Put("token.a.sig", &claims{scope: "a"})
	raw := strings.Clone("token.a.sig")
	if n := testing.AllocsPerRun(100, func() { _ = c.Get(raw) }); n != 0 {
		t.Fatalf("Get allocates %v times", n)
	}
}
