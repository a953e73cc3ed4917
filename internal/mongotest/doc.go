// Package mongotest gives tests a MongoDB-wire database to run against.
//
// [Database] returns a fresh database with a random name and drops it when
// the test ends; [URI] returns the connection string of the server behind
// it, for code under test that dials on its own (the example server, a
// test that disconnects and reconnects).
//
// # Which server
//
// When the environment variable MONGODB_URI is set, that server is used as
// it is, for example a real MongoDB:
//
//	MONGODB_URI=mongodb://127.0.0.1:27017 go test ./mongostore/...
//
// Otherwise the package runs FerretDB v1.24.2 with its SQLite backend as a
// subprocess: one server per test process, on a free loopback port, its
// SQLite files and state in a temporary folder that is removed when the
// server stops. FerretDB runs as a separate program, not embedded, so that
// its many dependencies (OpenTelemetry, gRPC, several SQL drivers) stay out
// of this module's go.mod and out of the -race test process.
//
// # Building FerretDB
//
// The FerretDB binary is built once per machine and kept in the user cache
// folder (os.UserCacheDir()/ginjwt-ferretdb/ferretdb-v1.24.2; the variable
// FERRETDB_BIN names a ready binary instead). The build needs only the go
// command and the Go module proxy, and runs outside this module so that it
// never touches go.mod:
//
//  1. go mod download -json github.com/FerretDB/FerretDB@v1.24.2
//  2. copy the module source from the module cache into a scratch folder;
//  3. write build/version/version.txt ("v1.24.2"), which the module
//     archive lacks: a plain `go install .../cmd/ferretdb@v1.24.2` builds a
//     binary that panics at start-up for want of it;
//  4. go build ./cmd/ferretdb there with GOFLAGS=-mod=mod, GOWORK=off and
//     CGO_ENABLED=0 (FerretDB's SQLite driver is pure Go).
//
// The first build takes one to several minutes (about 1.5 on an idle
// 2-core machine, including downloads). A file lock in the cache folder
// makes the test binaries that `go test ./...` runs in parallel wait for
// one build instead of each doing its own. A build or start-up failure
// fails the test with the tool's output, on CI and on a developer machine
// alike: the tests never skip silently.
//
// # Stopping the server
//
// Packages that use this one stop the server through their TestMain:
//
//	func TestMain(m *testing.M) { mongotest.Main(m) }
//
// On Linux the server also dies with the test process (a parent-death
// signal), so a test binary that panics or is killed leaves no server
// behind; on other systems that is only so through [Main].
package mongotest
