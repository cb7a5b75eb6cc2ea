//go:build linux

package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// backgroundEnv marks the process the client starts to serve a -x tunnel
// (applets/client/background.go).
const backgroundEnv = "NPORT_CLIENT_BACKGROUND_FD="

// sshPort finds the port in the ssh command that `client -x` prints.
var sshPort = regexp.MustCompile(`(?:^|\s)-p (\d+)\s`)

// openTunnel runs `client -x` as alice with args and returns the local
// port of the tunnel it leaves serving in the background. The background
// process is ended when the test ends.
func (w *world) openTunnel(args ...string) int {
	w.t.Helper()
	home := w.homes[alice]
	w.t.Cleanup(func() { stopBackground(w.t, home) })
	args = append([]string{"-x", "-i", w.sshd.KeyFile, "--idle-timeout", "2m"}, args...)
	r := w.runClient(alice, args...)
	mustSucceed(w.t, "client -x", r)
	m := sshPort.FindStringSubmatch(r.stdout)
	if m == nil {
		w.t.Fatalf("client -x printed no ssh command with -p PORT: %s", r)
	}
	port, _ := strconv.Atoi(m[1])
	return port
}

// stopBackground ends the background tunnels served for the client home:
// the processes marked as such whose NPORT_HOME is home. They were
// started by this test's clients, and are this process's children since
// their parent exited (becomeSubreaper).
func stopBackground(t testing.TB, home string) {
	endProcesses(t, "background tunnel", backgroundPids(home))
}

func backgroundPids(home string) []int {
	return pidsWhere("environ", func(env string) bool { return backgroundFor(env, home) })
}

// backgroundFor reports whether env, a NUL-separated environment, is that
// of a background tunnel of the client home.
func backgroundFor(env, home string) bool {
	marked, ours := false, false
	for _, kv := range strings.Split(env, "\x00") {
		marked = marked || strings.HasPrefix(kv, backgroundEnv)
		ours = ours || kv == "NPORT_HOME="+home
	}
	return marked && ours
}

// TestPrintedCommandTunnelEndsWhenIdle opens a -x tunnel with a short
// idle timeout, uses it once, and checks that its background process then
// exits on its own and the daemon ends the session.
func TestPrintedCommandTunnelEndsWhenIdle(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	port := w.openTunnel("--idle-timeout", "1s")
	pids := backgroundPids(w.homes[alice])
	if len(pids) != 1 {
		t.Fatalf("got %d background tunnels, want 1", len(pids))
	}
	mustSucceed(t, "ssh through the tunnel", run(t, command(w.sshArgs(port, "true"), nil), runTimeout))
	if !reap(pids[0], 20*time.Second) {
		t.Fatalf("the background tunnel still runs 20 s after its last use, with a 1 s idle timeout")
	}
	w.daemon.WaitFor(sessionEnded, logTimeout)
}
