// Package joseinterop cross-checks ginjwt with an independent JOSE
// implementation, node's jose (npm, pinned by package-lock.json): tokens
// ginjwt signs verify in jose through ginjwt's JWKS handler, for every
// asymmetric algorithm, and tokens jose mints with the same key, header and
// claims verify in ginjwt's middleware. The test runs npm ci when
// node_modules is missing; without node and npm it skips loudly, except
// under CI=true, where it fails.
package joseinterop
