// Package snippets compiles the Go code blocks of the README and of the
// guides that promise compiling code, so that a snippet pasted into a new
// file builds as it stands, imports included.
package snippets

import (
	"encoding/json"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// documents whose every ```go block is a complete file.
var documents = []string{"README.md", "docs/customizing.md", "docs/openapi.md"}

// packageDocs are the package documentation comments whose every Go code
// block is a complete file.
var packageDocs = []string{"ginjwt/doc.go", "ginjwt/jwttest/doc.go", "ginjwt/memstore/doc.go", "ginjwt/password/doc.go"}

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
			san := strings.NewReplacer("/", "_", ".", "_").Replace(doc)
			name := filepath.Join(san, san+"_block"+strconv.Itoa(i+1), "main.go")
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
	for _, file := range packageDocs {
		blocks, err := docBlocks(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i, b := range blocks {
			if !strings.Contains(b, ":=") && !strings.Contains(b, "func ") {
				continue // not code: a format, a command line
			}
			if !strings.HasPrefix(b, "package ") {
				t.Errorf("%s, code block %d is not a complete file (it must start with a package clause):\n%s", file, i+1, b)
				continue
			}
			n++
			san := strings.NewReplacer("/", "_", ".", "_").Replace(file)
			dir := filepath.Join(root, "internal", "snippets", "gen", san, san+"_block"+strconv.Itoa(i+1))
			name := "main.go"
			if strings.Contains(b, "func Test") {
				name = "main_test.go"
				// A package of test files only: give it the non-test file
				// the go command wants.
				pkg := strings.TrimSuffix(strings.Fields(b)[1], "_test")
				stub := "package " + pkg + "\n"
				if pkg == "main" {
					stub += "\nfunc main() {}\n"
				}
				src := filepath.Join(tmp, strconv.Itoa(len(overlay))+".go")
				if err := os.WriteFile(src, []byte(stub), 0o600); err != nil {
					t.Fatal(err)
				}
				overlay[filepath.Join(dir, "stub.go")] = src
			}
			src := filepath.Join(tmp, strconv.Itoa(len(overlay))+".go")
			if err := os.WriteFile(src, []byte(b), 0o600); err != nil {
				t.Fatal(err)
			}
			overlay[filepath.Join(dir, name)] = src
		}
		if n == 0 {
			t.Errorf("%s has no complete Go file in its documentation", file)
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

// docBlocks returns the code blocks of a file's package documentation.
func docBlocks(path string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range new(comment.Parser).Parse(f.Doc.Text()).Content {
		if code, ok := b.(*comment.Code); ok {
			out = append(out, code.Text)
		}
	}
	return out, nil
}
