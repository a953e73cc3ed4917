package benchfmt

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `goos: linux
BenchmarkSideBySide-2   	   20000	     39542 ns/op	        77.00 appleboy-allocs/op	      8546 appleboy-ns/op
BenchmarkStores/postgres-2   100  5 ns/op
--- SKIP: BenchmarkStores/postgres
BenchmarkBroken-2 10 x ns/op
PASS
`
	runs, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("got %d runs, want 2: %+v", len(runs), runs)
	}
	if r := runs[0]; r.Name != "SideBySide" || r.N != 20000 || r.Metrics["appleboy-ns/op"] != 8546 || r.Metrics["appleboy-allocs/op"] != 77 {
		t.Errorf("first run: %+v", r)
	}
	if runs[1].Name != "Stores/postgres" {
		t.Errorf("second run name %q", runs[1].Name)
	}
}
