//go:build !unix

package mongotest

// lockFile does not lock on systems without flock: parallel test binaries
// may then each build FerretDB once, which is slow but harmless (the binary
// is moved into place with a rename).
func lockFile(path string) (unlock func(), err error) {
	return func() {}, nil
}
