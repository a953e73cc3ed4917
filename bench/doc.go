// Package bench holds ginjwt's side-by-side benchmarks: a bare gin route,
// golang-jwt's parse, ginjwt's protected route (cold, warm, uncached, on
// SQLite and PostgreSQL, per algorithm) and appleboy/gin-jwt v2 on the
// same route, in one `go test -bench` run. It is a module of its own so
// that appleboy/gin-jwt stays out of the library's module graph; see
// docs/benchmarks.md and `make bench`.
package bench
