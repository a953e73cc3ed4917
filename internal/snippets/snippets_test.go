// Package snippets compiles the Go code blocks of the README and of the
// guides that promise compiling code, so that a snippet pasted into a new
// file builds as it stands, imports included.
package snippets

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// documents whose every ```go block is a complete file.
var documents = []string{"README.md", "docs/customizing.md"}

// fileLine names where a block goes: "// file: app/main.go" as its first
// line; blocks without it are a main package of their own.
var fileLine = regexp.MustCompile(`^// file: (\S+)\n`)

func TestSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every snippet: not in -short")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	for _, doc := range documents {
		text, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		blocks := goBlocks(string(text))
		if len(blocks) == 0 {
			t.Errorf("%s has no Go blocks", doc)
		}
		for i, b := range blocks {
			if !strings.HasPrefix(strings.TrimPrefix(b, fileLine.FindString(b)), "package ") {
				t.Errorf("%s, Go block %d is not a complete file (it must start with a package clause):\n%s", doc, i+1, b)
				continue
			}
			name := filepath.Join(strings.NewReplacer("/", "_", ".", "_").Replace(doc), "block"+strconv.Itoa(i+1), "main.go")
			if m := fileLine.FindStringSubmatch(b); m != nil {
				name = filepath.Join(strings.NewReplacer("/", "_", ".", "_").Replace(doc), m[1])
			}
			src := filepath.Join(tmp, strconv.Itoa(len(overlay))+".go")
			if err := os.WriteFile(src, []byte(b), 0o600); err != nil {
				t.Fatal(err)
			}
			overlay[filepath.Join(root, "internal", "snippets", "gen", name)] = src
		}
	}
	ov, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		t.Fatal(err)
	}
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o600); err != nil {
		t.Fatal(err)
	}
	// The files exist only in the overlay; test -c compiles the test files
	// too (into tmp, without running them).
	for _, args := range [][]string{
		{"build", "-overlay", ovPath, "-o", os.DevNull, "./internal/snippets/gen/..."},
		{"test", "-vet=off", "-overlay", ovPath, "-c", "-o", tmp + string(filepath.Separator), "./internal/snippets/gen/..."},
	} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the snippets do not compile (go %s): %v\n%s", args[0], err, out)
		}
	}
}

// goBlocks returns the bodies of the ```go blocks of a Markdown text.
func goBlocks(md string) []string {
	var out []string
	for {
		i := strings.Index(md, "\n```go\n")
		if i < 0 {
			return out
		}
		md = md[i+len("\n```go\n"):]
		j := strings.Index(md, "\n```")
		if j < 0 {
			return out
		}
		out = append(out, md[:j+1])
		md = md[j+4:]
	}
}

// TestWalkthroughAppPasses runs the test of docs/customizing.md's app, in a
// module of its own that uses this repository, as a reader would.
func TestWalkthroughAppPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the guide's app: not in -short")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(root, "docs", "customizing.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, b := range goBlocks(string(text)) {
		m := fileLine.FindStringSubmatch(b)
		if m == nil || !strings.HasPrefix(m[1], "app/") {
			t.Fatalf("a block of docs/customizing.md is not a file of app/:\n%s", b)
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimPrefix(m[1], "app/")), []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	mod := "module walkthrough\n\ngo 1.26\n\nrequire github.com/ginjwt/ginjwt v0.0.0\n\nreplace github.com/ginjwt/ginjwt => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the guide's app test fails: %v\n%s", err, out)
	}
}
