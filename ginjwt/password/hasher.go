package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Hasher hashes and verifies passwords and applies the password policy.
// It is safe for concurrent use. At most Options.Concurrency hashes or
// verifications run at once; the other callers wait for a slot, or for
// their context to end.
type Hasher struct {
	opts    Options
	slots   chan struct{} // a buffered channel used as a counting semaphore
	waiting atomic.Int64  // callers waiting for a slot, at most opts.MaxQueue
	dummy   func() (string, error)
}

// New returns a Hasher for o, with the defaults of [Options] filled in. A
// bad option is an error that names the field.
func New(o Options) (*Hasher, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &Hasher{opts: o, slots: make(chan struct{}, o.Concurrency)}
	h.dummy = sync.OnceValues(func() (string, error) {
		// A random password, so that the dummy hash matches nothing.
		pw := rand.Text()
		if o.Algorithm == Bcrypt {
			b, err := bcrypt.GenerateFromPassword([]byte(pw), o.BcryptCost)
			return string(b), err
		}
		return h.argon2id(pw), nil
	})
	return h, nil
}

// MustNew is like [New] but panics on bad options. It suits package-level
// variables and start-up code.
func MustNew(o Options) *Hasher {
	h, err := New(o)
	if err != nil {
		panic(err)
	}
	return h
}

// Options returns the options in effect, defaults filled in.
func (h *Hasher) Options() Options { return h.opts }

// Hash checks pw against the policy (see [Hasher.Validate]) and returns its
// encoded hash: a PHC string for argon2id, or a "$2a$" string for bcrypt.
// It waits for a hashing slot; if ctx ends first it returns ctx.Err(),
// wrapped.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.Validate(pw); err != nil {
		return "", err
	}
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	if h.opts.Algorithm == Bcrypt {
		b, err := bcrypt.GenerateFromPassword([]byte(pw), h.opts.BcryptCost)
		if err != nil {
			return "", fmt.Errorf("password: bcrypt: %w", err)
		}
		return string(b), nil
	}
	return h.argon2id(pw), nil
}

// argon2id hashes pw with a fresh salt and the configured parameters.
func (h *Hasher) argon2id(pw string) string {
	p := h.opts.Argon2
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // never fails; it crashes the program instead
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return argon2Hash{params: p, salt: salt, key: key}.encode()
}

// Verify reports whether pw matches the encoded hash, which may be an
// argon2id PHC string or a bcrypt hash ($2a$, $2b$, $2y$), whatever the
// configured algorithm.
//
// When ok is true, needsRehash reports that the hash does not use the
// configured algorithm and parameters; the caller should then store
// h.Hash(ctx, pw) in its place. needsRehash is false when ok is false.
//
// The length policy does not apply: a password of any length is simply
// right or wrong. A password over 72 bytes never matches a bcrypt hash,
// because bcrypt would compare only its first 72 bytes.
//
// err is non-nil only when encoded is empty or not a valid hash within the
// limits ([ErrInvalidHash], returned without waiting for a slot), or when
// ctx ended while waiting for a slot (ctx.Err(), wrapped). A signin route should call
// [Hasher.VerifyDummy] instead for a user without a password hash.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error) {
	// Parse first (a bad hash costs no slot), then compare under one slot.
	var compare func() (bool, error)
	switch {
	case strings.HasPrefix(encoded, "$argon2"):
		parsed, err := parseArgon2id(encoded)
		if err != nil {
			return false, false, err
		}
		p := parsed.params
		needsRehash = h.opts.Algorithm != Argon2id || p != h.opts.Argon2
		compare = func() (bool, error) {
			key := argon2.IDKey([]byte(pw), parsed.salt, p.Time, p.Memory, p.Threads, p.KeyLen)
			return subtle.ConstantTimeCompare(key, parsed.key) == 1, nil
		}
	case strings.HasPrefix(encoded, "$2"):
		cost, err := parseBcryptCost(encoded)
		if err != nil {
			return false, false, err
		}
		needsRehash = h.opts.Algorithm != Bcrypt || cost != h.opts.BcryptCost
		compare = func() (bool, error) { return compareBcrypt(encoded, pw) }
	case encoded == "":
		return false, false, fmt.Errorf("%w: empty", ErrInvalidHash)
	default:
		return false, false, fmt.Errorf("%w: neither argon2id nor bcrypt", ErrInvalidHash)
	}
	release, err := h.acquire(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	if ok, err := compare(); !ok || err != nil {
		return false, false, err
	}
	return true, needsRehash, nil
}

// VerifyDummy spends about the time of a [Hasher.Verify] with the
// configured algorithm and parameters, and discards the result. A signin
// route calls it for an unknown or inactive user, or one without a
// password hash, so that its answer takes about as long as for a wrong
// password. The hash it verifies against is made once, by the first call,
// from a random password. Like Verify it waits for a slot, and returns ctx.Err(),
// wrapped, if ctx ends first.
func (h *Hasher) VerifyDummy(ctx context.Context, pw string) error {
	encoded, err := h.dummy()
	if err != nil {
		return fmt.Errorf("password: dummy hash: %w", err)
	}
	_, _, err = h.Verify(ctx, pw, encoded)
	return err
}

// acquire takes a hashing slot, or returns ctx.Err(), wrapped, once ctx
// ends, or ErrBusy when the queue is full or the wait too long. The
// returned func gives the slot back.
func (h *Hasher) acquire(ctx context.Context) (release func(), err error) {
	// Checked first: select picks at random among ready cases, and an ended
	// context must not win a free slot.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("password: waiting for a hashing slot: %w", err)
	}
	select {
	case h.slots <- struct{}{}:
		return h.releaseSlot, nil
	default:
	}
	if h.waiting.Add(1) > int64(h.opts.MaxQueue) {
		h.waiting.Add(-1)
		return nil, fmt.Errorf("%w (%d waiting)", ErrBusy, h.opts.MaxQueue)
	}
	defer h.waiting.Add(-1)
	timer := time.NewTimer(h.opts.MaxWait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return h.releaseSlot, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	case <-timer.C:
		return nil, fmt.Errorf("%w (no slot within %s)", ErrBusy, h.opts.MaxWait)
	}
}

func (h *Hasher) releaseSlot() { <-h.slots }
