package password_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

func Example() {
	ctx := context.Background()
	// TestingOptions keeps the example fast; production code uses
	// password.Options{} (argon2id at OWASP's minimum).
	h := password.MustNew(password.TestingOptions())

	// Signup: refuse passwords outside the policy (HTTP 400).
	if _, err := h.Hash(ctx, "1234567"); errors.Is(err, password.ErrPasswordTooShort) {
		fmt.Println(err)
	}
	encoded, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(encoded, "$argon2id$v=19$m=64,t=1,p=1$"))

	// Signin.
	ok, needsRehash, err := h.Verify(ctx, "correct horse battery staple", encoded)
	fmt.Println(ok, needsRehash, err)
	ok, _, _ = h.Verify(ctx, "Correct horse battery staple", encoded)
	fmt.Println(ok)
	// Output:
	// password: too short: 7 characters, the minimum is 8
	// true
	// true false <nil>
	// false
}

// A user who comes from a bcrypt system signs in; the hash is upgraded to
// the configured argon2id.
func ExampleHasher_Verify_rehash() {
	ctx := context.Background()
	opts := password.TestingOptions()
	opts.Algorithm = password.Bcrypt
	legacy := password.MustNew(opts)
	stored, _ := legacy.Hash(ctx, "correct horse battery staple")

	h := password.MustNew(password.TestingOptions())
	ok, needsRehash, err := h.Verify(ctx, "correct horse battery staple", stored)
	fmt.Println(ok, needsRehash, err)
	if ok && needsRehash {
		upgraded, _ := h.Hash(ctx, "correct horse battery staple")
		// Save it only if the stored hash is still the one verified, in
		// one atomic step (UPDATE … WHERE password_hash = old), so that a
		// password change that landed meanwhile is never overwritten with
		// the old password. ginjwt's stores offer this as SwapPasswordHash.
		stored = compareAndSwap(stored, stored, upgraded)
	}
	fmt.Println(stored[:10])
	// Output:
	// true true <nil>
	// $argon2id$
}

// Unknown or inactive users get a verification against a dummy hash, so
// that the answer takes about as long as a wrong password.
func ExampleHasher_VerifyDummy() {
	h := password.MustNew(password.TestingOptions())
	err := h.VerifyDummy(context.Background(), "whatever was typed")
	fmt.Println(err)
	// Output:
	// <nil>
}

// compareAndSwap stands for the store's atomic conditional update.
func compareAndSwap(current, old, upgraded string) string {
	if current != old {
		return current
	}
	return upgraded
}
