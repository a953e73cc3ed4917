package password

import (
	"runtime"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestNewDefaults(t *testing.T) {
	h, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Options{
		Algorithm:   Argon2id,
		Argon2:      Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32},
		BcryptCost:  bcrypt.DefaultCost,
		MinLength:   8,
		MaxLength:   256,
		Concurrency: runtime.GOMAXPROCS(0),
		MaxQueue:    32 * runtime.GOMAXPROCS(0),
		MaxWait:     DefaultMaxWait,
	}
	if got := h.Options(); got != want {
		t.Errorf("Options() = %+v, want %+v", got, want)
	}
	if DefaultArgon2id() != want.Argon2 {
		t.Errorf("DefaultArgon2id() = %+v", DefaultArgon2id())
	}
}

func TestNewFillsSaltAndKeyLength(t *testing.T) {
	h, err := New(Options{Argon2: Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if p := h.Options().Argon2; p.SaltLen != 16 || p.KeyLen != 32 {
		t.Errorf("Argon2 = %+v, want SaltLen 16 and KeyLen 32", p)
	}
}

func TestNewRejects(t *testing.T) {
	cheap := TestingOptions().Argon2
	tests := []struct {
		field string
		edit  func(*Options)
	}{
		{"Options.Algorithm", func(o *Options) { o.Algorithm = "scrypt" }},
		{"Options.Algorithm", func(o *Options) { o.Algorithm = "Argon2id" }},
		{"Options.Argon2.Memory", func(o *Options) { o.Argon2.Memory = MaxMemory + 1 }},
		{"Options.Argon2.Memory", func(o *Options) { o.Argon2.Memory, o.Argon2.Threads = 15, 2 }},
		{"Options.Argon2.Time", func(o *Options) { o.Argon2 = Params{Memory: 64, Threads: 1} }},
		{"Options.Argon2.Time", func(o *Options) { o.Argon2.Time = MaxTime + 1 }},
		{"Options.Argon2.Threads", func(o *Options) { o.Argon2.Threads = 0 }},
		{"Options.Argon2.Threads", func(o *Options) { o.Argon2.Threads = MaxThreads + 1 }},
		{"Options.Argon2.SaltLen", func(o *Options) { o.Argon2.SaltLen = 4 }},
		{"Options.Argon2.KeyLen", func(o *Options) { o.Argon2.KeyLen = 8 }},
		{"Options.Argon2.KeyLen", func(o *Options) { o.Argon2.KeyLen = MaxKeyLen + 1 }},
		{"Options.BcryptCost", func(o *Options) { o.BcryptCost = 3 }},
		{"Options.BcryptCost", func(o *Options) { o.BcryptCost = MaxBcryptCost + 1 }},
		{"Options.MinLength", func(o *Options) { o.MinLength = -1 }},
		{"Options.MaxLength", func(o *Options) { o.MinLength, o.MaxLength = 10, 9 }},
		{"Options.MaxLength", func(o *Options) { o.MaxLength = -5 }},
		{"Options.Concurrency", func(o *Options) { o.Concurrency = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			o := Options{Argon2: cheap}
			tt.edit(&o)
			_, err := New(o)
			if err == nil || !strings.Contains(err.Error(), tt.field+":") {
				t.Fatalf("New = %v, want an error naming %s", err, tt.field)
			}
		})
	}
}

func TestMustNewPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustNew did not panic on a bad option")
		}
	}()
	MustNew(Options{Concurrency: -1})
}
