//go:build linux

package e2e

import (
	"strings"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
)

// TestRelayRestart kills the relay, as a crash would, and starts it again
// on the same address with the same home: nobody touches the daemon or the
// rendezvous, and the next session works.
func TestRelayRestart(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	sshEcho(t, w)

	w.relayP.Kill()
	env := []string{identity.HomeEnv + "=" + w.relayDir, "NPORT_RELAY="}
	p := proctest.Start(t, w.bin, env, "relay", "--listen", w.relay, "--log-format", "json", "-v")
	if m := p.WaitFor(relayReady, readyTimeout); m[1] != w.relay || m[2] != w.relayKey {
		t.Fatalf("the restarted relay is %s with %s, want %s with %s", m[1], m[2], w.relay, w.relayKey)
	}
	// The daemon and the rendezvous reconnect on their own; until they
	// have, the relay queues what is sent to them.
	sshEcho(t, w, "--timeout", "30s")
}

// sshEcho runs a command through a new session, as the client's ssh.
func sshEcho(t *testing.T, w *world, args ...string) {
	t.Helper()
	want := "nport-ok-" + token()
	r := w.runClient(alice, append(args, "--ssh", w.sshWrapper(t, "echo "+want))...)
	mustSucceed(t, "ssh through a new session", r)
	if got := strings.TrimSpace(r.stdout); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
