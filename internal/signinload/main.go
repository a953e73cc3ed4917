// Command signinload measures the peak memory of a burst of concurrent
// sign-ins with the production password parameters (argon2id, m = 19 MiB):
// it serves the auth routes over an in-memory store, fires N concurrent
// POST /auth/signin, and prints the process's peak RSS (VmHWM) before and
// after. Run it with `make rss`.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

func main() {
	n := flag.Int("n", 200, "concurrent sign-ins")
	slots := flag.Int("concurrency", 0, "hashing slots (0: GOMAXPROCS)")
	flag.Parse()

	gin.SetMode(gin.ReleaseMode)
	store := memstore.New()
	hasher := password.MustNew(password.Options{Concurrency: *slots})
	cfg := ginjwt.Config[memstore.User]{
		SigningKey: bytes.Repeat([]byte("k"), 32), Users: store, Sessions: store, Passwords: hasher,
		Throttle: ginjwt.NewMemoryThrottle(1<<30, time.Minute, 0), // measure hashing, not the throttle
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	r := gin.New()
	ginjwt.Mount(r.Group("/auth"), cfg)

	ctx := context.Background()
	for i := range *n {
		email := fmt.Sprintf("user%d@example.com", i)
		hash, err := hasher.Hash(ctx, "correct horse battery")
		if err != nil {
			panic(err)
		}
		if _, err := store.CreateUser(ctx, ginjwt.NewUser{Email: email, NormalizedEmail: email, PasswordHash: hash}); err != nil {
			panic(err)
		}
	}
	runtime.GC()
	before := vmHWM()

	var wg sync.WaitGroup
	start := make(chan struct{})
	codes := make([]int, *n)
	for i := range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := fmt.Sprintf(`{"email":"user%d@example.com","password":"correct horse battery"}`, i)
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/auth/signin", strings.NewReader(body)))
			codes[i] = w.Code
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		}
	}
	fmt.Printf("sign-ins: %d concurrent, %d answered 200, in %s\n", *n, ok, elapsed.Round(time.Millisecond))
	fmt.Printf("hashing slots: %d (GOMAXPROCS %d)\n", hasher.Options().Concurrency, runtime.GOMAXPROCS(0))
	fmt.Printf("peak RSS before the burst: %d MiB\n", before>>10)
	fmt.Printf("peak RSS after the burst:  %d MiB\n", vmHWM()>>10)
	if ok != *n {
		os.Exit(1)
	}
}

// vmHWM returns the process's peak resident set size in KiB.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kib)
			return kib
		}
	}
	return -1
}
