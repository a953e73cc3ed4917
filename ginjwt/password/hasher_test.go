package password

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// The one test that runs the real OWASP parameters (19 MiB, t=2).
func TestDefaultArgon2idOnce(t *testing.T) {
	h, err := New(Options{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "correct horse battery staple"
	enc := mustHash(t, h, pw)
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q, want the OWASP parameters", enc)
	}
	parsed, err := parseArgon2id(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(parsed.salt) != 16 || len(parsed.key) != 32 {
		t.Errorf("salt %d bytes, key %d bytes; want 16 and 32", len(parsed.salt), len(parsed.key))
	}
	if ok, rehash, err := verify(h, pw, enc); !ok || rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, alg := range []string{Argon2id, Bcrypt} {
		t.Run(alg, func(t *testing.T) {
			h := newTestHasher(t, func(o *Options) { o.Algorithm = alg })
			for _, pw := range []string{"password", "pässwörd-ünïcödé", "pass word with spaces", strings.Repeat("ж", 36)} {
				enc := mustHash(t, h, pw)
				if strings.Contains(enc, pw) {
					t.Fatalf("hash %q contains the password", enc)
				}
				if ok, rehash, err := verify(h, pw, enc); !ok || rehash || err != nil {
					t.Errorf("Verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
				}
				for _, wrong := range []string{pw + "x", pw[:len(pw)-1], strings.ToUpper(pw), ""} {
					if ok, rehash, err := verify(h, wrong, enc); ok || rehash || err != nil {
						t.Errorf("Verify(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
					}
				}
				if again := mustHash(t, h, pw); again == enc {
					t.Error("two hashes of one password are equal: salt not random")
				}
			}
		})
	}
}

func TestNeedsRehashWhenParamsChange(t *testing.T) {
	const pw = "correct horse"
	old := newTestHasher(t, nil)
	enc := mustHash(t, old, pw)
	tests := []struct {
		name string
		edit func(*Options)
		want bool
	}{
		{"same parameters", func(o *Options) {}, false},
		{"same parameters, other policy and concurrency", func(o *Options) { o.MinLength, o.Concurrency = 10, 1 }, false},
		{"memory", func(o *Options) { o.Argon2.Memory = 128 }, true},
		{"time", func(o *Options) { o.Argon2.Time = 2 }, true},
		{"threads", func(o *Options) { o.Argon2.Threads = 2 }, true},
		{"salt length", func(o *Options) { o.Argon2.SaltLen = 32 }, true},
		{"key length", func(o *Options) { o.Argon2.KeyLen = 64 }, true},
		{"algorithm bcrypt", func(o *Options) { o.Algorithm = Bcrypt }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHasher(t, tt.edit)
			ok, rehash, err := verify(h, pw, enc)
			if !ok || rehash != tt.want || err != nil {
				t.Fatalf("Verify = %v, %v, %v; want true, %v, nil", ok, rehash, err, tt.want)
			}
			if ok, rehash, _ := verify(h, pw+"!", enc); ok || rehash {
				t.Errorf("wrong password: Verify = %v, %v; want false, false", ok, rehash)
			}
			if !rehash {
				return
			}
			// The upgrade the signin route performs.
			fresh := mustHash(t, h, pw)
			if ok, rehash, err := verify(h, pw, fresh); !ok || rehash || err != nil {
				t.Errorf("after rehash: Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyDummy(t *testing.T) {
	for _, alg := range []string{Argon2id, Bcrypt} {
		t.Run(alg, func(t *testing.T) {
			h := newTestHasher(t, func(o *Options) { o.Algorithm = alg })
			for _, pw := range []string{"", "password", strings.Repeat("x", 100)} {
				if err := h.VerifyDummy(t.Context(), pw); err != nil {
					t.Errorf("VerifyDummy(%d bytes) = %v", len(pw), err)
				}
			}
			// The dummy hash is made once, with the configured parameters.
			first, err := h.dummy()
			if err != nil {
				t.Fatal(err)
			}
			if second, _ := h.dummy(); second != first {
				t.Error("the dummy hash changed between calls")
			}
			ok, rehash, err := verify(h, "password", first)
			if ok || rehash || err != nil {
				t.Errorf("Verify(dummy) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
			if alg == Argon2id && !strings.HasPrefix(first, "$argon2id$v=19$m=64,t=1,p=1$") {
				t.Errorf("dummy hash %q does not use the configured parameters", first)
			}
			if alg == Bcrypt && !strings.HasPrefix(first, "$2a$04$") {
				t.Errorf("dummy hash %q does not use the configured cost", first)
			}
		})
	}
}

// fill takes every slot of h, as that many running hashes would, and
// returns a func that gives them back.
func fill(h *Hasher) (release func()) {
	n := cap(h.slots)
	for range n {
		h.slots <- struct{}{}
	}
	return func() {
		for range n {
			<-h.slots
		}
	}
}

// waitResult fails the test if fn has not returned within a minute: a hang
// guard, not a timing assertion.
func waitResult(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("still waiting for a slot after the context ended")
		return nil
	}
}

func TestContextEndsWhileSlotsAreFull(t *testing.T) {
	h := newTestHasher(t, func(o *Options) { o.Concurrency = 2 })
	enc := mustHash(t, h, "password")
	calls := map[string]func(context.Context) error{
		"Hash": func(ctx context.Context) error { _, err := h.Hash(ctx, "password"); return err },
		"Verify": func(ctx context.Context) error {
			ok, _, err := h.Verify(ctx, "password", enc)
			if ok {
				return errors.New("ok is true")
			}
			return err
		},
		"VerifyDummy": func(ctx context.Context) error { return h.VerifyDummy(ctx, "password") },
	}
	release := fill(h)
	defer release()
	for name, call := range calls {
		t.Run(name+"/cancelled while waiting", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- call(ctx) }()
			cancel()
			if err := waitResult(t, done); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
		t.Run(name+"/deadline while waiting", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- call(ctx) }()
			if err := waitResult(t, done); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

func TestEndedContextNeverTakesAFreeSlot(t *testing.T) {
	h := newTestHasher(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for range 20 { // select would pick the free slot half of the time
		if _, err := h.Hash(ctx, "password"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash = %v, want context.Canceled", err)
		}
	}
}

func TestConcurrencyBound(t *testing.T) {
	h := newTestHasher(t, func(o *Options) { o.Concurrency = 2 })
	release := fill(h)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "password"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with both slots taken: Hash = %v, want DeadlineExceeded", err)
	}
	<-h.slots // one slot frees up
	if _, err := h.Hash(t.Context(), "password"); err != nil {
		t.Fatalf("with one slot free: Hash = %v", err)
	}
	h.slots <- struct{}{}
	release()
	if n := len(h.slots); n != 0 {
		t.Errorf("%d slots still taken after the calls returned", n)
	}
}

// An invalid hash or a policy error is answered without waiting for a slot.
func TestCheapErrorsDoNotWait(t *testing.T) {
	h := newTestHasher(t, func(o *Options) { o.Concurrency = 1 })
	defer fill(h)()
	if _, _, err := h.Verify(t.Context(), "password", "$argon2id$garbage"); !errors.Is(err, ErrInvalidHash) {
		t.Errorf("Verify = %v, want ErrInvalidHash", err)
	}
	if _, err := h.Hash(t.Context(), "short"); !errors.Is(err, ErrPasswordTooShort) {
		t.Errorf("Hash = %v, want ErrPasswordTooShort", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	h := newTestHasher(t, func(o *Options) { o.Concurrency = 3 })
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			pw := strings.Repeat(string(rune('a'+i%26)), 8+i)
			enc, err := h.Hash(t.Context(), pw)
			if err != nil {
				errs <- err
				return
			}
			if ok, _, err := h.Verify(t.Context(), pw, enc); !ok || err != nil {
				errs <- errors.Join(errors.New("round trip failed"), err)
			}
			if err := h.VerifyDummy(t.Context(), pw); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(h.slots); n != 0 {
		t.Errorf("%d slots still taken after the calls returned", n)
	}
}

func TestAcquireIsBoundedInQueueAndWait(t *testing.T) {
	o := TestingOptions()
	o.Concurrency, o.MaxQueue, o.MaxWait = 1, 1, time.Hour
	h := MustNew(o)
	h.slots <- struct{}{} // the only slot is taken
	h.waiting.Add(1)      // and the only queue place
	_, err := h.Hash(context.Background(), "a long enough password")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("a full queue: got %v, want ErrBusy", err)
	}
	h.waiting.Add(-1)

	o.MaxWait = time.Millisecond
	h2 := MustNew(o)
	h2.slots <- struct{}{}
	_, err = h2.Hash(context.Background(), "a long enough password")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("no slot within MaxWait: got %v, want ErrBusy", err)
	}
	if n := h2.waiting.Load(); n != 0 {
		t.Fatalf("%d waiters left behind", n)
	}
	<-h2.slots
	if _, err := h2.Hash(context.Background(), "a long enough password"); err != nil {
		t.Fatalf("a free slot: %v", err)
	}
	if _, err := New(Options{MaxQueue: -1}); err == nil || !strings.Contains(err.Error(), "MaxQueue") {
		t.Fatalf("negative MaxQueue: %v", err)
	}
}
