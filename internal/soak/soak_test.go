package main

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These test the driver's parsing and arithmetic; the soak itself runs
// only through `make soak`.

const wrkOutput = `Running 30s test @ http://127.0.0.1:41234/api/profile
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.28ms    6.67ms 135.64ms   94.12%
    Req/Sec     8.28k     2.69k   14.60k    66.83%
  Latency Distribution
     50%    1.48ms
  164435 requests in 30.01s, 67.90MB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 3
Requests/sec:   8218.12
Transfer/sec:      3.39MB
soak-status 200 164432
soak-status 401 3
`

func TestParseWrk(t *testing.T) {
	var w wrkRun
	require.NoError(t, w.parse(wrkOutput))
	assert.Equal(t, 164435, w.Requests)
	assert.Equal(t, map[int]int{200: 164432, 401: 3}, w.Statuses)
	assert.Equal(t, socketErrors{Read: 2, Timeout: 5}, w.Socket)
	assert.NotContains(t, w.summary(), "soak-status")

	require.Error(t, (&wrkRun{}).parse("wrk: connection refused\n"))
	noScript := strings.ReplaceAll(wrkOutput, "soak-status", "other")
	require.Error(t, (&wrkRun{}).parse(noScript), "a run without the script's statuses cannot be judged")
}

func TestRSSGrowthComparesWindowPeaks(t *testing.T) {
	var samples []sample
	for i := 0; i <= 100; i++ {
		rss := int64(1000)
		if i%3 == 0 {
			rss = 800 // the dips between hashes do not count
		}
		samples = append(samples, sample{At: time.Duration(i) * time.Second, RSS: rss})
	}
	samples[25].RSS = 1050 // the warm-up window is 20 s to 30 s
	samples[95].RSS = 1200

	warm, last, growth, ok := rssGrowth(samples, 0.2, 100*time.Second, time.Second)
	require.True(t, ok)
	assert.Equal(t, int64(1050), warm.RSS)
	assert.Equal(t, int64(1200), last.RSS)
	assert.InDelta(t, 150.0/1050, growth, 1e-9)

	first, final, ok := firstAndLast(samples, 0.2, 100*time.Second)
	require.True(t, ok)
	assert.Equal(t, 20*time.Second, first.At)
	assert.Equal(t, 100*time.Second, final.At)

	_, _, _, ok = rssGrowth(samples[:10], 0.2, 100*time.Second, time.Second)
	assert.False(t, ok, "no sample after the warm-up")
}

func TestLogStats(t *testing.T) {
	var l logStats
	addr := make(chan string, 1)
	l.scan(strings.NewReader(strings.Join([]string{
		`time=x level=INFO msg="example: listening" addr=127.0.0.1:4321 store="sqlite /tmp/x.db"`,
		`time=x level=INFO msg=request method=GET path=/ status=200 duration=1ms ip=127.0.0.1`,
		`time=x level=ERROR msg=request method=GET path=/api/profile status=503 duration=1ms ip=127.0.0.1 error="store down"`,
		`time=x level=WARN msg="ginjwt security event" event=throttled email=a@example.com ip=127.0.0.1`,
		`time=x level=ERROR msg=request method=GET path=/api/profile status=503 duration=9ms ip=127.0.0.1 error="ginjwt: store unavailable: gormstore: FindUserByID: context canceled"`,
	}, "\n")), addr)
	assert.Equal(t, "127.0.0.1:4321", <-addr)
	requests, s5, warns, errs := l.Counts()
	assert.Equal(t, []int{3, 1, 0, 1}, []int{requests, s5, warns, errs})
	assert.Equal(t, 1, l.HungUp(), "a 503 for a client that hung up is counted apart")
	assert.Equal(t, map[string]int{"throttled": 1}, l.Events())
	assert.Len(t, l.Problems(), 1)
}

func TestBadTokensAreEachWrongOneWay(t *testing.T) {
	key := []byte(strings.Repeat("k", 40))
	valid := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "1", "sid": "s", "jti": "j", "token_type": "access",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	})
	valid.Header["typ"] = "at+jwt"
	tok, err := valid.SignedString(key)
	require.NoError(t, err)

	bad, err := badTokens(tok, "an-opaque-refresh-token", key)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, b := range bad {
		assert.NotEqual(t, tok, b.Token, b.Name)
		assert.False(t, seen[b.Token], "%s repeats another token", b.Name)
		seen[b.Token] = true
		assert.NotContains(t, b.Token, " ", b.Name)
	}

	byName := map[string]string{}
	for _, b := range bad {
		byName[b.Name] = b.Token
	}
	keyFunc := func(*jwt.Token) (any, error) { return key, nil }
	_, err = jwt.Parse(byName["expired"], keyFunc)
	assert.ErrorIs(t, err, jwt.ErrTokenExpired, "expired, and otherwise sound")
	_, err = jwt.Parse(byName["tampered signature"], keyFunc)
	assert.ErrorIs(t, err, jwt.ErrTokenSignatureInvalid)
	_, err = jwt.Parse(byName["typ JWT"], keyFunc)
	assert.NoError(t, err, "only the typ is wrong")
	parsed, err := jwt.Parse(byName["alg HS512 (not configured)"], keyFunc)
	require.NoError(t, err, "only the alg is wrong")
	assert.Equal(t, "HS512", parsed.Method.Alg())
}

// printLoad pairs the i-th protected phase with the i-th public phase of
// its pair, whichever ran first, and prints each pair's median ratio.
func TestPrintLoadPairsPhases(t *testing.T) {
	ph := func(name string, n int) loadPhase {
		return loadPhase{Name: name, Requests: n, Elapsed: time.Second}
	}
	var b strings.Builder
	// Three rounds, each set's order rotated as loadOne runs it.
	printLoad(&b, "x", []loadPhase{
		ph(phaseBenchPublic, 1000), ph(phaseBenchPublicToken, 960), ph(phaseBenchProtected, 950),
		ph(phasePublic, 1000), ph(phaseProtected, 800),
		ph(phaseBenchPublicToken, 1000), ph(phaseBenchProtected, 900), ph(phaseBenchPublic, 1100),
		ph(phaseProtected, 700), ph(phasePublic, 1000),
		ph(phaseBenchProtected, 920), ph(phaseBenchPublic, 1000), ph(phaseBenchPublicToken, 940),
		ph(phasePublic, 1000), ph(phaseProtected, 900),
	})
	out := b.String()
	for _, want := range []string{
		"the same request (the middleware alone): **0.98**, the median of 3 rounds (0.99, 0.90, 0.98); target ≥ 0.90",
		"without a token (the middleware and the token's transport): **0.92**, the median of 3 rounds (0.95, 0.82, 0.92)",
		"(the token's transport alone): **0.94**, the median of 3 rounds (0.96, 0.91, 0.94)",
		"(different bodies): **0.80**, the median of 3 rounds (0.80, 0.70, 0.90)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
