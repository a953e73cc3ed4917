package bench

import (
	"encoding/base64"
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/maypok86/otter/v2"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/tokencache"
)

// The caches of BenchmarkTokenCaches are all bounded like ginjwt's token
// cache in the flood benchmark: cacheEntries tokens, and cacheEntries ×
// cacheSlot bytes of tokens where the library can weigh its entries.
const (
	cacheEntries = floodCache // 100k
	cacheSlot    = 256        // bytes of token per entry in the byte bound
	cacheBytes   = cacheEntries * cacheSlot
	hotTokens    = 64      // the hot set: tokens of active clients
	warmTokens   = 1024    // the warm set: clients seen now and then
	warmEvery    = 100     // flood tokens per warm-set request
	insertPool   = 1 << 19 // distinct tokens the insert part cycles through
)

// cached is what each cache stores: a token's claims, with the token, as
// ginjwt stores its Claims with raw. Ristretto keeps only two hashes of a
// key, so its adapter compares raw on a hit, as ginjwt would have to.
type cached struct {
	raw    string
	claims ginjwt.Claims
}

// tokenCache is the part of a cache the middleware uses: a look-up, and a
// store after a verification. Every cache is called through it, so the
// interface call costs all of them alike.
type tokenCache interface {
	get(raw string) *cached
	put(raw string, v *cached)
	close()
}

// weight bounds both entries and bytes with a single weight: a token
// weighs its length but at least cacheSlot, so a total of cacheBytes holds
// at most cacheEntries tokens and cacheBytes bytes of them.
func weight(raw string) int { return max(len(raw), cacheSlot) }

type oursCache struct{ c *tokencache.Cache[cached] }

func (c oursCache) get(raw string) *cached    { return c.c.Get(raw) }
func (c oursCache) put(raw string, v *cached) { c.c.Put(raw, v) }
func (c oursCache) close()                    {}

type otterCache struct{ c *otter.Cache[string, *cached] }

func (c otterCache) get(raw string) *cached {
	v, _ := c.c.GetIfPresent(raw)
	return v
}
func (c otterCache) put(raw string, v *cached) { c.c.SetIfAbsent(raw, v) }
func (c otterCache) close()                    { c.c.StopAllGoroutines() }

type twoQCache struct {
	c *lru.TwoQueueCache[string, *cached]
}

func (c twoQCache) get(raw string) *cached {
	v, _ := c.c.Get(raw)
	return v
}
func (c twoQCache) put(raw string, v *cached) { c.c.Add(raw, v) }
func (c twoQCache) close()                    {}

type ristrettoCache struct {
	c *ristretto.Cache[string, *cached]
}

func (c ristrettoCache) get(raw string) *cached {
	v, ok := c.c.Get(raw)
	if !ok || v.raw != raw {
		return nil
	}
	return v
}
func (c ristrettoCache) put(raw string, v *cached) { c.c.Set(raw, v, int64(weight(raw))) }
func (c ristrettoCache) close()                    { c.c.Close() }

// caches are the contenders, by the name their metrics carry. golang-lru
// runs as 2Q rather than as a plain LRU: both take one exclusive lock per
// Get, but 2Q keeps a token seen twice in a queue that tokens seen once
// (a flood) never enter, which is the property issue 12 asks for.
var caches = []struct {
	name string
	make func(tb testing.TB) tokenCache
}{
	{"ours", func(testing.TB) tokenCache { return oursCache{tokencache.New[cached](cacheEntries, cacheBytes)} }},
	{"otter", func(tb testing.TB) tokenCache {
		c, err := otter.New(&otter.Options[string, *cached]{
			MaximumWeight: cacheBytes,
			Weigher:       func(raw string, _ *cached) uint32 { return uint32(weight(raw)) },
		})
		if err != nil {
			tb.Fatal(err)
		}
		return otterCache{c}
	}},
	{"lru2q", func(tb testing.TB) tokenCache {
		c, err := lru.New2Q[string, *cached](cacheEntries)
		if err != nil {
			tb.Fatal(err)
		}
		return twoQCache{c}
	}},
	{"ristretto", func(tb testing.TB) tokenCache {
		c, err := ristretto.NewCache(&ristretto.Config[string, *cached]{
			NumCounters:        10 * cacheEntries, // as its documentation advises
			MaxCost:            cacheBytes,
			BufferItems:        64,
			IgnoreInternalCost: true, // the bound is the tokens' bytes, as for the others
		})
		if err != nil {
			tb.Fatal(err)
		}
		return ristrettoCache{c}
	}},
}

// tokenTemplate is a JWT-like string of 228 bytes: an at+jwt HS256
// header, a payload of the size of ginjwt's access tokens and a 43-byte
// signature. tokenAt writes a number into the payload and the signature,
// so two tokens differ in their middle and their end, as real ones do.
var tokenTemplate = func() string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"at+jwt"}`)) + "." +
		enc.EncodeToString([]byte(`{"iss":"api","sub":"u-12345678","exp":1900000000,"iat":1800000000,"sid":"s-12345678","token_type":"access"}`)) + "." +
		strings.Repeat("A", 43)
}()

// tokenAt returns the i-th token, a new string.
func tokenAt(i uint64) string {
	b := []byte(tokenTemplate)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], i)
	payload := strings.IndexByte(tokenTemplate, '.') + 1
	base64.RawURLEncoding.Encode(b[payload+40:], n[:]) // 11 bytes inside the payload
	h := i
	for j := len(b) - 43; j < len(b); j++ { // the signature: a sequence seeded by i
		h = h*6364136223846793005 + 1442695040888963407
		b[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[h>>58]
	}
	return string(b)
}

// Token numbers: each set its own range, so no two sets share a token.
const (
	hotBase   = 1 << 40
	warmBase  = 2 << 40
	fillBase  = 3 << 40
	poolBase  = 4 << 40
	floodBase = 5 << 40
)

// tokenSet returns n stored values and, for each, a copy of its token
// that is not the same string: a request's token is never the cache's.
func tokenSet(base uint64, n int) ([]*cached, []string) {
	vs, lookups := make([]*cached, n), make([]string, n)
	for i := range vs {
		raw := tokenAt(base + uint64(i))
		vs[i] = &cached{raw: raw, claims: ginjwt.Claims{Scope: "read"}}
		lookups[i] = strings.Clone(raw)
	}
	return vs, lookups
}

// fill puts the hot set, looks each up twice (a client's second request:
// what promotes a token in 2Q and counts in the frequency sketches), then
// n distinct tokens, and waits for the library's buffers to drain.
func fill(tb testing.TB, c tokenCache, hot []*cached, n int) {
	tb.Helper()
	for _, v := range hot {
		c.put(v.raw, v)
	}
	settle(c)
	for range 2 {
		for _, v := range hot {
			if c.get(v.raw) == nil {
				c.put(v.raw, v)
			}
		}
	}
	for i := range n {
		raw := tokenAt(fillBase + uint64(i))
		c.put(raw, &cached{raw: raw})
	}
	settle(c)
}

// settle lets asynchronous caches apply the writes made so far.
func settle(c tokenCache) {
	switch c := c.(type) {
	case ristrettoCache:
		c.c.Wait()
	case otterCache:
		c.c.CleanUp()
	}
}

// BenchmarkTokenCaches compares ginjwt's token cache with otter, golang-lru
// (2Q) and ristretto, bounded alike (issue 12): hot-set look-ups from every
// core, insertion of new tokens into a full cache, and a hot set's
// look-ups while another goroutine floods the cache with 1M distinct
// tokens. make bench-caches runs it; cmd/ratios prints the tables.
func BenchmarkTokenCaches(b *testing.B) {
	b.Run("hot", benchHot)
	b.Run("insert", benchInsert)
	b.Run("flood", benchFlood)
}

// benchHot: every core looks up the hot set of a full cache, the caches
// timed interleaved (interleaveParallel: on the shared machine, three
// consecutive b.RunParallel runs of one cache gave 117 to 196 ns/op, the
// load of other processes alone, which would land on whichever cache
// ran at the time). hit-% is the share of those
// look-ups that found their token: the hot set is in every cache when
// the timing starts.
func benchHot(b *testing.B) {
	hot, lookups := tokenSet(hotBase, hotTokens)
	var parts []parallelPart
	var counts [][]paddedCount
	for _, cc := range caches {
		c := cc.make(b)
		defer c.close()
		fill(b, c, hot, cacheEntries-hotTokens)
		keep(b, c, hot)
		n := make([]paddedCount, runtime.GOMAXPROCS(0)+1)
		counts = append(counts, n)
		parts = append(parts, parallelPart{name: cc.name, worker: func(w int) func() {
			// Each goroutine walks the hot set in a stride of 7 (prime to
			// its size) from its own start: not in step with the others.
			i, cnt := w*23, &n[w]
			return func() {
				if c.get(lookups[i%hotTokens]) != nil {
					cnt.hits++
				}
				cnt.gets++
				i += 7
			}
		}})
	}
	interleaveParallel(b, parts...)
	for k, cc := range caches {
		var hits, gets int64
		for _, n := range counts[k] {
			hits, gets = hits+n.hits, gets+n.gets
		}
		b.ReportMetric(100*float64(hits)/float64(gets), cc.name+"-hit-%")
	}
}

// paddedCount is one goroutine's count, alone on its cache line.
type paddedCount struct {
	hits, gets int64
	_          [48]byte
}

// keep stores again any token of set the cache has let go (ours evicts
// at random where the fill overflowed a shard, ristretto may have dropped
// a store), until all are there.
func keep(tb testing.TB, c tokenCache, set []*cached) {
	tb.Helper()
	for range 100 {
		missing := 0
		for _, v := range set {
			if c.get(v.raw) == nil {
				c.put(v.raw, v)
				missing++
			}
		}
		if missing == 0 {
			return
		}
		settle(c)
	}
	tb.Fatal("the hot set does not stay in the cache")
}

// benchInsert: a look-up that misses, then the store, of tokens the full
// cache has not seen lately (it cycles through insertPool, 5× the bound):
// what a verification adds to the cache, eviction included. The caches
// are timed interleaved. Ristretto's store only hands the entry to its
// own goroutine (or drops it when that one lags), so its time here is not
// the whole cost of an insert.
func benchInsert(b *testing.B) {
	pool := make([]*cached, insertPool)
	for i := range pool {
		raw := tokenAt(poolBase + uint64(i))
		pool[i] = &cached{raw: raw}
	}
	hot, _ := tokenSet(hotBase, hotTokens)
	var parts []part
	for _, cc := range caches {
		c := cc.make(b)
		defer c.close()
		fill(b, c, hot, cacheEntries)
		next := 0
		parts = append(parts, part{name: cc.name, op: func() {
			v := pool[next]
			next = (next + 1) % insertPool
			if c.get(v.raw) == nil {
				c.put(v.raw, v)
			}
		}})
	}
	interleave(b, parts...)
}

// floodRun is one cache's flood: the hot set's look-ups timed while
// another goroutine pushes floodTokens distinct tokens through.
type floodRun struct {
	full, evicting, p99 float64 // ns per hot look-up, median of rounds (p99: 99th percentile)
	hotHit, warmHit     float64 // % of look-ups that hit while evicting
	afterHit            float64 // % of the hot set cached right after the flood
	floodNs             float64 // the flood's ns per token
	allocs              float64 // per hot look-up
}

var floodRuns atomic.Int64 // rotates the caches' order from one run to the next

// benchFlood: for each cache in turn (in an order that rotates from one
// -count run to the next), a flood of floodTokens distinct tokens, pushed
// by a goroutine that looks each up and stores it, as the middleware does
// after verifying it. Meanwhile the benchmark goroutine looks up the hot
// set (hotTokens tokens, in rounds of 32, without pause): timed once the
// cache is full with the flood paused (full), then while the flood
// evicts. A hot token that misses is stored again, as the middleware
// would after verifying it again, whose ~10 µs is not counted here:
// hot-hit-% says how often it would be paid. Every warmEvery flood tokens
// the flood goroutine also looks up one token of the warm set (warmTokens
// clients, each seen once per warmTokens × warmEvery ≈ 100k flood tokens)
// and stores it again if it missed: warm-hit-% is the share of those
// clients' requests that a flood leaves cached. One iteration is the
// four floods, about half a minute.
func benchFlood(b *testing.B) {
	hot, hotLookups := tokenSet(hotBase, hotTokens)
	warm, _ := tokenSet(warmBase, warmTokens)
	results := map[string]floodRun{}
	for b.Loop() {
		start := int(floodRuns.Add(1))
		for k := range caches {
			cc := caches[(start+k)%len(caches)]
			results[cc.name] = floodOne(b, cc.make(b), hot, hotLookups, warm)
		}
	}
	for _, cc := range caches {
		r := results[cc.name]
		b.ReportMetric(r.evicting, cc.name+"-ns/op")
		b.ReportMetric(r.allocs, cc.name+"-allocs/op")
		b.ReportMetric(r.full, cc.name+"-full-ns/op")
		b.ReportMetric(r.p99, cc.name+"-p99-ns/op")
		b.ReportMetric(r.hotHit, cc.name+"-hot-hit-%")
		b.ReportMetric(r.warmHit, cc.name+"-warm-hit-%")
		b.ReportMetric(r.afterHit, cc.name+"-after-hit-%")
		b.ReportMetric(r.floodNs, cc.name+"-flood-ns/token")
	}
}

func floodOne(b *testing.B, c tokenCache, hot []*cached, hotLookups []string, warm []*cached) floodRun {
	defer c.close()
	fill(b, c, hot, 0)
	for _, v := range warm {
		c.put(v.raw, v)
		c.get(v.raw) // seen twice, like the hot set
	}
	settle(c)
	keep(b, c, hot)
	keep(b, c, warm)
	runtime.GC() // the previous cache's garbage is not this one's

	var r floodRun
	next := 0
	// lookups times one round of hot look-ups, storing back what missed.
	lookups := func() (time.Duration, int) {
		hits := 0
		start := time.Now()
		for range round {
			if c.get(hotLookups[next]) != nil {
				hits++
			} else {
				c.put(hot[next].raw, hot[next])
			}
			next = (next + 1) % hotTokens
		}
		return time.Since(start), hits
	}
	r.allocs = testing.AllocsPerRun(200, func() { c.get(hotLookups[0]) })

	var progress atomic.Int64
	full, resume := make(chan struct{}), make(chan struct{})
	var warmHits, warmGets int
	var floodTime time.Duration
	var wg sync.WaitGroup
	wg.Go(func() {
		start, w := time.Now(), 0
		for i := 1; i <= floodTokens; i++ {
			raw := tokenAt(floodBase + uint64(i))
			if c.get(raw) == nil {
				c.put(raw, &cached{raw: raw})
			}
			if i == floodCache { // full: pause while the hot set is timed
				settle(c)
				floodTime = time.Since(start)
				full <- struct{}{}
				<-resume
				start = time.Now()
			}
			if i > floodCache && i%warmEvery == 0 {
				v := warm[w]
				w = (w + 1) % warmTokens
				if c.get(v.raw) != nil {
					warmHits++
				} else {
					c.put(v.raw, v)
				}
				warmGets++
			}
			progress.Store(int64(i))
		}
		floodTime += time.Since(start)
	})

	<-full
	atFull := make([]time.Duration, 0, floodProbe/round)
	for range cap(atFull) {
		d, _ := lookups()
		atFull = append(atFull, d)
	}
	resume <- struct{}{}
	evicting := make([]time.Duration, 0, 1<<20)
	hotHits, hotGets := 0, 0
	for progress.Load() < floodTokens {
		d, hits := lookups()
		evicting = append(evicting, d)
		hotHits += hits
		hotGets += round
	}
	wg.Wait()
	if len(evicting) == 0 {
		b.Fatal("the flood ended before a hot round was timed")
	}

	after := 0
	for _, raw := range hotLookups {
		if c.get(raw) != nil {
			after++
		}
	}
	slices.Sort(atFull)
	slices.Sort(evicting)
	perOp := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / round }
	r.full = perOp(atFull[len(atFull)/2])
	r.evicting = perOp(evicting[len(evicting)/2])
	r.p99 = perOp(evicting[len(evicting)*99/100])
	r.hotHit = 100 * float64(hotHits) / float64(hotGets)
	r.warmHit = 100 * float64(warmHits) / float64(warmGets)
	r.afterHit = 100 * float64(after) / float64(hotTokens)
	r.floodNs = float64(floodTime.Nanoseconds()) / floodTokens
	return r
}
