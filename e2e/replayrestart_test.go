//go:build linux

package e2e

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
)

// TestReplayAfterDaemonRestartIsDropped captures a real tunnel request
// that the daemon acted on, kills the daemon as a crash would, starts it
// again on the same home and re-injects the captured bytes: the new
// process drops them as a replay, while a fresh request is answered.
func TestReplayAfterDaemonRestartIsDropped(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	r := w.dialRelay(t, alice)
	sid, g := w.grant(t, r)
	captured := r.seal(t, w.daemonKey(), sid, tunnelRequest(t, g))
	r.send(t, device, captured)
	expectTunnelReply(t, r, sid)

	w.daemon.Kill()
	w.daemon = w.restartDaemon()
	r.send(t, device, captured)
	w.daemon.WaitFor(regexp.MustCompile(`"msg":"dropped a message".*"from":"@alice".*before a restart`), logTimeout)
	// The daemon reads its messages in order: the answer to a fresh
	// request sent after the replay comes next, with nothing before it.
	sid2, g2 := w.grant(t, r)
	r.send(t, device, r.seal(t, w.daemonKey(), sid2, tunnelRequest(t, g2)))
	expectTunnelReply(t, r, sid2)
	if out := w.daemon.Output(); regexp.MustCompile(`"session":"` + sid.Short() + `"`).MatchString(out) {
		t.Errorf("the restarted daemon acted on the replayed session %s:\n%s", sid.Short(), out)
	}
}

// restartDaemon starts the device's daemon again on its home, with the
// flags of startDaemon, and waits until it is ready.
func (w *world) restartDaemon() *proctest.Proc {
	w.t.Helper()
	args := append([]string{"daemon", "-a", device, "-m", alice, "--local-sshd-port", strconv.Itoa(w.sshd.Port)}, w.relayArgs()...)
	env := []string{identity.HomeEnv + "=" + w.devHome, "NPORT_RELAY="}
	p := proctest.Start(w.t, w.bin, env, append(args, "--log-format", "json", "-v")...)
	p.WaitFor(daemonReady, readyTimeout)
	return p
}
