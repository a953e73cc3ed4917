package password

import (
	"fmt"
	"runtime"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Algorithm names accepted by [Options].Algorithm.
const (
	// Argon2id selects argon2id (RFC 9106), the default.
	Argon2id = "argon2id"
	// Bcrypt selects bcrypt. Passwords longer than 72 bytes are refused.
	Bcrypt = "bcrypt"
)

// Limits on argon2id and bcrypt parameters. They apply both to the
// configured parameters and to the parameters read from a stored hash, so
// that a hostile or corrupt hash string cannot make [Hasher.Verify] allocate
// or compute without bound: a stored hash beyond them is [ErrInvalidHash].
const (
	// MaxMemory is the largest argon2id memory accepted, in KiB (64 MiB, the
	// memory of RFC 9106's second recommended setting).
	MaxMemory = 64 * 1024
	// MaxTime is the largest argon2id number of passes accepted.
	MaxTime = 16
	// MaxThreads is the largest argon2id degree of parallelism accepted.
	MaxThreads = 16
	// MinSaltLen and MaxSaltLen bound the argon2id salt length, in bytes.
	MinSaltLen, MaxSaltLen = 8, 64
	// MinKeyLen and MaxKeyLen bound the argon2id key (tag) length, in bytes.
	MinKeyLen, MaxKeyLen = 16, 64
	// MaxBcryptCost is the largest bcrypt cost accepted (2^16 rounds, about
	// 64 times the default cost of 10).
	MaxBcryptCost = 16
	// BcryptMaxBytes is the number of password bytes bcrypt reads; it
	// silently ignores the rest, so longer passwords are refused instead.
	BcryptMaxBytes = 72
)

// Default length policy, in characters (runes).
const (
	// DefaultMinLength is the shortest password accepted by default.
	DefaultMinLength = 8
	// DefaultMaxLength is the longest password accepted by default.
	DefaultMaxLength = 256
)

// Params are argon2id parameters.
type Params struct {
	// Memory is the memory cost in KiB: at least 8 × Threads, at most
	// [MaxMemory]. Each hash or verification allocates this much.
	Memory uint32
	// Time is the number of passes over the memory, 1 to [MaxTime].
	Time uint32
	// Threads is the degree of parallelism (lanes), 1 to [MaxThreads].
	Threads uint8
	// SaltLen is the salt length in bytes; 0 means 16.
	SaltLen uint32
	// KeyLen is the length of the derived key in bytes; 0 means 32.
	KeyLen uint32
}

// DefaultArgon2id returns OWASP's minimum argon2id setting: 19 MiB of
// memory (19456 KiB), 2 passes, 1 thread, with a 16-byte salt and a 32-byte
// key.
func DefaultArgon2id() Params {
	return Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Options configure a [Hasher]. The zero value is the production default:
// argon2id with [DefaultArgon2id], 8 to 256 characters, GOMAXPROCS slots.
type Options struct {
	// Algorithm of new hashes: [Argon2id] (default when "") or [Bcrypt].
	// Verification accepts both whatever the choice; a hash of the other
	// algorithm reports that it needs a rehash.
	Algorithm string
	// Argon2 parameters of new argon2id hashes. The zero value means
	// [DefaultArgon2id]. Otherwise Memory, Time and Threads must be set, and
	// a zero SaltLen or KeyLen means 16 or 32.
	//
	// WARNING: parameters below DefaultArgon2id make stolen hashes cheaper
	// to crack; use OWASP's equivalent settings if you change them.
	Argon2 Params
	// BcryptCost is the cost of new bcrypt hashes, from bcrypt.MinCost (4)
	// to [MaxBcryptCost]; 0 means bcrypt.DefaultCost (10).
	//
	// WARNING: a cost below 10 makes stolen hashes cheaper to crack.
	BcryptCost int
	// MinLength is the shortest password accepted, in characters (runes);
	// 0 means 8.
	//
	// WARNING: a minimum below 8 lets users choose passwords that are easy
	// to guess; NIST SP 800-63B asks for at least 8.
	MinLength int
	// MaxLength is the longest password accepted, in characters (runes);
	// 0 means 256. With bcrypt, passwords over 72 bytes are refused as well.
	MaxLength int
	// Concurrency is the number of hashes and verifications that may run at
	// once; the others wait for a slot. 0 means runtime.GOMAXPROCS(0). Peak
	// hashing memory is about Concurrency × Argon2.Memory.
	Concurrency int
	// MaxQueue is how many callers may wait for a slot at once; one more
	// gets [ErrBusy] at once, so that a flood of sign-ins is answered
	// quickly instead of piling up goroutines. 0 means 32 × Concurrency.
	MaxQueue int
	// MaxWait is how long a caller waits for a slot before it gets
	// [ErrBusy]. 0 means 5s.
	MaxWait time.Duration
}

// DefaultMaxWait is how long a caller waits for a hashing slot by default.
const DefaultMaxWait = 5 * time.Second

// TestingOptions returns very cheap parameters for tests: argon2id with
// 64 KiB of memory and 1 pass, and bcrypt.MinCost should Algorithm be set to
// [Bcrypt]. Concurrency is left at its default.
//
// WARNING: NOT for production. These hashes can be brute-forced quickly;
// use them only in tests, of this package or of applications.
func TestingOptions() Options {
	return Options{
		Algorithm:  Argon2id,
		Argon2:     Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		BcryptCost: bcrypt.MinCost,
	}
}

// withDefaults fills in the defaults and checks every field, naming it in
// the error.
func (o Options) withDefaults() (Options, error) {
	switch o.Algorithm {
	case "":
		o.Algorithm = Argon2id
	case Argon2id, Bcrypt:
	default:
		return o, fmt.Errorf("password: Options.Algorithm: %q is not %q or %q", o.Algorithm, Argon2id, Bcrypt)
	}
	if o.Argon2 == (Params{}) {
		o.Argon2 = DefaultArgon2id()
	}
	if o.Argon2.SaltLen == 0 {
		o.Argon2.SaltLen = 16
	}
	if o.Argon2.KeyLen == 0 {
		o.Argon2.KeyLen = 32
	}
	if err := o.Argon2.check(); err != nil {
		return o, fmt.Errorf("password: Options.Argon2.%w", err)
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = bcrypt.DefaultCost
	}
	if o.BcryptCost < bcrypt.MinCost || o.BcryptCost > MaxBcryptCost {
		return o, fmt.Errorf("password: Options.BcryptCost: %d is outside %d to %d", o.BcryptCost, bcrypt.MinCost, MaxBcryptCost)
	}
	if o.MinLength == 0 {
		o.MinLength = DefaultMinLength
	}
	if o.MaxLength == 0 {
		o.MaxLength = DefaultMaxLength
	}
	if o.MinLength < 1 {
		return o, fmt.Errorf("password: Options.MinLength: %d is below 1", o.MinLength)
	}
	if o.MaxLength < o.MinLength {
		return o, fmt.Errorf("password: Options.MaxLength: %d is below MinLength %d", o.MaxLength, o.MinLength)
	}
	if o.Concurrency == 0 {
		o.Concurrency = runtime.GOMAXPROCS(0)
	}
	if o.Concurrency < 1 {
		return o, fmt.Errorf("password: Options.Concurrency: %d is below 1", o.Concurrency)
	}
	switch {
	case o.MaxQueue == 0:
		o.MaxQueue = 32 * o.Concurrency
	case o.MaxQueue < 0:
		return o, fmt.Errorf("password: Options.MaxQueue: %d is negative", o.MaxQueue)
	}
	switch {
	case o.MaxWait == 0:
		o.MaxWait = DefaultMaxWait
	case o.MaxWait < 0:
		return o, fmt.Errorf("password: Options.MaxWait: %s is negative", o.MaxWait)
	}
	return o, nil
}

// check reports the first parameter outside the limits.
func (p Params) check() error {
	switch {
	case p.Threads < 1 || p.Threads > MaxThreads:
		//lint:ignore ST1005 the message starts with the name of the field at fault
		return fmt.Errorf("Threads: %d is outside 1 to %d", p.Threads, MaxThreads)
	case p.Time < 1 || p.Time > MaxTime:
		//lint:ignore ST1005 the message starts with the name of the field at fault
		return fmt.Errorf("Time: %d is outside 1 to %d", p.Time, MaxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > MaxMemory:
		//lint:ignore ST1005 the message starts with the name of the field at fault
		return fmt.Errorf("Memory: %d KiB is outside %d (8 × Threads) to %d KiB", p.Memory, 8*uint32(p.Threads), MaxMemory)
	case p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen:
		return fmt.Errorf("SaltLen: %d bytes is outside %d to %d", p.SaltLen, MinSaltLen, MaxSaltLen)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("KeyLen: %d bytes is outside %d to %d", p.KeyLen, MinKeyLen, MaxKeyLen)
	}
	return nil
}
