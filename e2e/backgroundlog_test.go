//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPrintedCommandNamesItsLog runs `client -x`: stdout holds the ssh
// command alone, for `$(sshnp -x …)`, and stderr one line naming the
// background process and its log, a file of the home's logs directory
// readable by its owner only, where the tunnel's end is recorded.
func TestPrintedCommandNamesItsLog(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	home := w.homes[alice]
	t.Cleanup(func() { stopBackground(t, home) })
	r := w.runClient(alice, "-x", "-i", w.sshd.KeyFile, "--idle-timeout", "1s")
	mustSucceed(t, "client -x", r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "ssh ") {
		t.Fatalf("got stdout %q, want the ssh command alone", r.stdout)
	}
	m := regexp.MustCompile(`(?m)^serving in the background as process (\d+); log: (\S+)$`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("stderr names no log file: %s", r)
	}
	pid, _ := strconv.Atoi(m[1])
	if dir := filepath.Join(home, "logs"); filepath.Dir(m[2]) != dir {
		t.Errorf("the log is %s, want it in %s", m[2], dir)
	}
	if info, err := os.Stat(m[2]); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the log file: %v, %v; want mode 0600", info, err)
	}
	port, _ := strconv.Atoi(sshPort.FindStringSubmatch(r.stdout)[1])
	mustSucceed(t, "ssh through the tunnel", run(t, command(w.sshArgs(port, "true"), nil), runTimeout))
	if !reap(pid, 20*time.Second) {
		t.Fatalf("the background tunnel %d still runs 20 s after its last use, with a 1 s idle timeout", pid)
	}
	log, err := os.ReadFile(m[2])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "background tunnel ended") {
		t.Errorf("the background log lacks the tunnel's end:\n%s", log)
	}
}
