// Package password hashes and verifies the passwords of ginjwt's auth
// routes, and applies the password policy.
//
// New hashes use argon2id at OWASP's minimum setting (19 MiB, 2 passes,
// 1 thread; see [DefaultArgon2id]), stored as PHC strings:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// bcrypt can be chosen instead, and bcrypt hashes ($2a$, $2b$, $2y$) always
// verify, for users who come from a system that used it. When a password
// verifies against a hash made with another algorithm or other parameters,
// [Hasher.Verify] reports that it needs a rehash, so the signin route can
// store a fresh hash.
//
// The policy accepts 8 to 256 characters (runes) by default and never
// truncates: with bcrypt, which reads only the first 72 bytes, a longer
// password is refused at hashing and never matches at verification.
//
// Hashing costs memory (19 MiB per argon2id hash by default), so a
// [Hasher] runs at most Options.Concurrency hashes at once and makes the
// other callers wait, each for as long as its context allows.
//
// A signin route uses it like this (a complete program):
//
//	package main
//
//	import (
//		"context"
//		"errors"
//		"fmt"
//
//		"github.com/ginjwt/ginjwt/ginjwt"
//		"github.com/ginjwt/ginjwt/ginjwt/memstore"
//		"github.com/ginjwt/ginjwt/ginjwt/password"
//	)
//
//	// signin checks pw for the user with this email, as ginjwt's route does.
//	func signin(ctx context.Context, h *password.Hasher, store *memstore.Store, email, pw string) (bool, error) {
//		user, err := store.FindUserByEmail(ctx, ginjwt.NormalizeEmail(email))
//		if errors.Is(err, ginjwt.ErrUserNotFound) || (err == nil && !user.IsActive()) {
//			// Unknown or inactive: spend the same time, answer 401.
//			return false, h.VerifyDummy(ctx, pw)
//		}
//		if err != nil {
//			return false, err
//		}
//		ok, needsRehash, err := h.Verify(ctx, pw, user.HashedPassword())
//		if ok && needsRehash {
//			// Replace the hash only while it is still the one just verified,
//			// so that a password change in between is never undone.
//			if fresh, err := h.Hash(ctx, pw); err == nil {
//				_, _ = store.SwapPasswordHash(ctx, user.Subject(), user.HashedPassword(), fresh)
//			}
//		}
//		return ok, err
//	}
//
//	func main() {
//		ctx := context.Background()
//		h := password.MustNew(password.Options{})
//		store := memstore.New()
//		// signup: a policy error is a 400
//		encoded, err := h.Hash(ctx, "correct horse battery")
//		if err != nil {
//			panic(err)
//		}
//		if _, err := store.CreateUser(ctx, ginjwt.NewUser{Email: "ada@example.com", NormalizedEmail: "ada@example.com", PasswordHash: encoded}); err != nil {
//			panic(err)
//		}
//		fmt.Println(signin(ctx, h, store, "ada@example.com", "correct horse battery"))
//	}
//
// Tests should use [TestingOptions], whose parameters are cheap.
package password
