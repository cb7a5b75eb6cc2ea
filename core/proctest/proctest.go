// Package proctest builds the nport binary once per test process and runs it
// as a real child process, for tests that exercise nport the way an operator
// does.
package proctest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error

	// buildDirs holds every directory a build of this process wrote, for
	// Main to remove.
	buildDirsMu sync.Mutex
	buildDirs   []string
)

// Binary returns the path of an nport binary built from this module, built
// once per test process. Packages that call it use Main as their TestMain so
// the binary is removed afterwards.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binPath, buildErr = build([]string{"CGO_ENABLED=0"})
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// build runs go build of this module with the extra environment env and
// flags, into a fresh directory, and returns the binary's path.
func build(env []string, flags ...string) (string, error) {
	dir, err := os.MkdirTemp("", "nport-bin-")
	if err != nil {
		return "", err
	}
	buildDirsMu.Lock()
	buildDirs = append(buildDirs, dir)
	buildDirsMu.Unlock()
	path := filepath.Join(dir, "nport")
	args := append(append([]string{"build"}, flags...), "-o", path, "github.com/nport/nport")
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return path, nil
}

// Result is what a finished process left behind.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs the binary at path with args and the extra environment env
// (KEY=VALUE), and returns its output and exit status.
func Run(t testing.TB, path string, env []string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run %s: %v", path, err)
	}
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Code: cmd.ProcessState.ExitCode()}
}

// Main is a TestMain for packages that use Binary or CrossBinary: it runs
// the tests, then removes the binaries they built.
func Main(m *testing.M) {
	code := m.Run()
	buildDirsMu.Lock()
	for _, dir := range buildDirs {
		os.RemoveAll(dir)
	}
	buildDirsMu.Unlock()
	os.Exit(code)
}
