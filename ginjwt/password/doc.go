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
// A signin route uses it like this:
//
//	h := password.MustNew(password.Options{})
//	// signup: 400 on a policy error
//	encoded, err := h.Hash(ctx, pw)
//	// signin, known active user:
//	ok, needsRehash, err := h.Verify(ctx, pw, user.HashedPassword())
//	if ok && needsRehash {
//		if fresh, err := h.Hash(ctx, pw); err == nil {
//			_ = store.SetPasswordHash(ctx, user.Subject(), fresh)
//		}
//	}
//	// signin, unknown or inactive user: spend the same time, answer 401
//	_ = h.VerifyDummy(ctx, pw)
//
// Tests should use [TestingOptions], whose parameters are cheap.
package password
