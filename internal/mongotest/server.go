package mongotest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	// startTimeout bounds the wait for a started FerretDB to answer a ping.
	startTimeout = time.Minute
	// startAttempts: a free port may be taken by someone else between the
	// moment we find it and the moment FerretDB binds it; try another.
	startAttempts = 3
)

// ferret is one running FerretDB subprocess.
type ferret struct {
	cmd  *exec.Cmd
	dir  string        // temporary folder: SQLite files, state, log
	uri  string        // mongodb://127.0.0.1:PORT/
	done chan struct{} // closed when the process has ended
	err  error         // cmd.Wait's result, set before done is closed
}

// startFerret starts FerretDB on a free loopback port and waits until it
// answers a ping.
func startFerret() (*ferret, error) {
	bin, err := ferretBinary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ginjwt-ferretdb-")
	if err != nil {
		return nil, fmt.Errorf("create the FerretDB folder: %w", err)
	}
	var errs []error
	for attempt := range startAttempts {
		f, err := launchFerret(bin, filepath.Join(dir, strconv.Itoa(attempt)))
		if err == nil {
			f.dir = dir
			return f, nil
		}
		errs = append(errs, err)
	}
	os.RemoveAll(dir)
	return nil, fmt.Errorf("start FerretDB: %w", errors.Join(errs...))
}

// launchFerret makes one attempt at starting FerretDB with its files in dir.
func launchFerret(bin, dir string) (*ferret, error) {
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	logPath := filepath.Join(dir, "ferretdb.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor

	cmd := exec.Command(bin,
		"--handler=sqlite",
		"--sqlite-url=file:"+filepath.ToSlash(data)+"/",
		"--state-dir="+dir,
		"--listen-addr="+addr,
		"--debug-addr=-",
		"--telemetry=disable",
		"--log-level=warn",
	)
	// Never the test's own stdout: go test would wait for the child to
	// close it.
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	f := &ferret{cmd: cmd, uri: "mongodb://" + addr + "/", done: make(chan struct{})}
	err = startProcess(cmd, func(err error) {
		f.err = err
		close(f.done)
	})
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}

	if err := f.waitReady(); err != nil {
		f.stop()
		log, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("FerretDB on %s: %w\n%s", addr, err, log)
	}
	return f, nil
}

// waitReady pings the server until it answers, it exits, or startTimeout
// passes.
func (f *ferret) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(f.uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background())
	for {
		pingCtx, pingCancel := context.WithTimeout(ctx, time.Second)
		err := client.Ping(pingCtx, nil)
		pingCancel()
		if err == nil {
			return nil
		}
		select {
		case <-f.done:
			return fmt.Errorf("exited before answering: %v", f.err)
		case <-ctx.Done():
			return fmt.Errorf("no answer within %s: %w", startTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop ends the process (politely first) and waits for it.
func (f *ferret) stop() {
	if err := f.cmd.Process.Signal(os.Interrupt); err != nil {
		f.cmd.Process.Kill()
	}
	select {
	case <-f.done:
	case <-time.After(10 * time.Second):
		f.cmd.Process.Kill()
		<-f.done
	}
	if f.dir != "" {
		os.RemoveAll(f.dir)
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
