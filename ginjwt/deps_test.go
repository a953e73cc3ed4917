package ginjwt_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The core must not drag a database driver into its users' builds.
func TestCoreImportsNoStoreDriver(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"gorm.io/", "go.mongodb.org/", "github.com/mattn/go-sqlite3", "github.com/jackc/pgx", "github.com/getkin/"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("ginjwt depends on %s", dep)
			}
		}
	}
}
