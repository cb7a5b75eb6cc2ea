//go:build linux

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// result is what a finished command left behind.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// String shows a result in failure messages.
func (r result) String() string {
	return fmt.Sprintf("exit %d after %v\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), clip(r.stdout), clip(r.stderr))
}

// clip shortens long output to its ends.
func clip(s string) string {
	const keep = 2 << 10
	if len(s) <= 2*keep {
		return s
	}
	return fmt.Sprintf("%s\n[… %d bytes …]\n%s", s[:keep], len(s)-2*keep, s[len(s)-keep:])
}

// command prepares argv with the extra environment env.
func command(argv []string, env []string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// run runs cmd to its end, killing it after timeout, and fails the test if
// it cannot be started at all or does not end in time.
func run(t testing.TB, cmd *exec.Cmd, timeout time.Duration) result {
	t.Helper()
	r, err := execute(cmd, timeout)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// execute is run for goroutines other than the test's: it returns what
// run would fail the test with.
func execute(cmd *exec.Cmd, timeout time.Duration) (result, error) {
	var stdout, stderr bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = &stderr
	// A child that keeps our pipes open must not hold the test up.
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	timer := time.AfterFunc(timeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	took := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) && !errors.Is(err, exec.ErrWaitDelay) {
		return result{}, fmt.Errorf("run %s: %w", cmd.Path, err)
	}
	if took >= timeout {
		return result{}, fmt.Errorf("%s did not end within %v: %s", strings.Join(cmd.Args, " "), timeout, stderr.String())
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode(), took: took}, nil
}

// mustSucceed fails the test unless r is a success.
func mustSucceed(t testing.TB, what string, r result) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s failed: %s", what, r)
	}
}
