package mongotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

const (
	ferretModule  = "github.com/FerretDB/FerretDB"
	ferretVersion = "v1.24.2"
	// buildTimeout bounds one build, downloads included.
	buildTimeout = 8 * time.Minute
)

// ferretBinary returns the path of a working FerretDB binary, building it
// into the cache folder first if needed.
func ferretBinary() (string, error) {
	if bin := os.Getenv("FERRETDB_BIN"); bin != "" {
		if err := checkBinary(bin); err != nil {
			return "", fmt.Errorf("FERRETDB_BIN=%s: %w", bin, err)
		}
		return bin, nil
	}

	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ferretdb-"+ferretVersion)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if checkBinary(bin) == nil {
		return bin, nil
	}

	// Parallel test binaries wait here for the one that builds.
	unlock, err := lockFile(filepath.Join(dir, "build.lock"))
	if err != nil {
		return "", fmt.Errorf("lock the FerretDB build: %w", err)
	}
	defer unlock()

	if checkBinary(bin) == nil {
		return bin, nil // another process built it while we waited
	}
	if err := buildFerret(dir, bin); err != nil {
		return "", err
	}
	if err := checkBinary(bin); err != nil {
		return "", fmt.Errorf("the FerretDB binary just built does not run: %w", err)
	}
	return bin, nil
}

// cacheDir returns (and creates) the folder that keeps the binary.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "ginjwt-ferretdb")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create the FerretDB cache folder: %w", err)
	}
	return dir, nil
}

// checkBinary runs bin --version and checks that it is the expected version.
func checkBinary(bin string) error {
	if _, err := os.Stat(bin); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s --version: %w\n%s", bin, err, out)
	}
	if !strings.Contains(string(out), "version: "+ferretVersion) {
		return fmt.Errorf("%s --version: want %s, got:\n%s", bin, ferretVersion, out)
	}
	return nil
}

// buildFerret builds FerretDB into bin (see the package documentation for
// why it is not a plain go install).
func buildFerret(dir, bin string) (err error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building FerretDB needs the go command: %w", err)
	}
	work, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return fmt.Errorf("create the FerretDB build folder: %w", err)
	}
	defer os.RemoveAll(work)

	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	var log bytes.Buffer
	defer func() {
		if err != nil {
			err = fmt.Errorf("build FerretDB %s: %w\n%s", ferretVersion, err, log.Bytes())
		}
	}()

	run := func(dir string, goflags string, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"GOFLAGS="+goflags, "GOWORK=off", "GO111MODULE=on", "CGO_ENABLED=0")
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		cmd.Stderr = &log
		fmt.Fprintf(&log, "$ go %s\n", strings.Join(args, " "))
		err := cmd.Run()
		return stdout.Bytes(), err
	}

	// The scratch folder is outside any module, so the download cannot
	// touch a go.mod.
	out, err := run(work, "", "mod", "download", "-json", ferretModule+"@"+ferretVersion)
	log.Write(out)
	if err != nil {
		return err
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil {
		return fmt.Errorf("read go mod download output: %w", err)
	}
	if mod.Error != "" || mod.Dir == "" {
		return fmt.Errorf("go mod download: %s", mod.Error)
	}

	src := filepath.Join(work, "src")
	if err := copyTree(mod.Dir, src); err != nil {
		return fmt.Errorf("copy the FerretDB source: %w", err)
	}
	versionFile := filepath.Join(src, "build", "version", "version.txt")
	if err := os.WriteFile(versionFile, []byte(ferretVersion+"\n"), 0o644); err != nil {
		return fmt.Errorf("write version.txt: %w", err)
	}

	tmpBin := filepath.Join(work, filepath.Base(bin))
	if _, err := run(src, "-mod=mod -buildvcs=false", "build", "-trimpath", "-o", tmpBin, "./cmd/ferretdb"); err != nil {
		return err
	}
	if err := os.Rename(tmpBin, bin); err != nil {
		return fmt.Errorf("install the FerretDB binary: %w", err)
	}
	return nil
}

// copyTree copies the regular files and folders under from to to, all
// writable (the module cache is read-only).
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, target)
		default:
			return nil // the module zip holds no links or devices
		}
	})
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}
