//go:build linux

package e2e

import (
	"strings"
	"testing"
)

// TestClientSaysWhatItWaitsFor asks for a session as someone the daemon
// does not serve, so the daemon stays silent: after a second the client
// tells the person what it waits for, once, and -v logs each step with
// its time.
func TestClientSaysWhatItWaitsFor(t *testing.T) {
	w := newWorld(t, options{})
	argv := w.plainClientArgs(mallory, "--stdio", "--timeout", "3s")
	r := run(t, command(argv, w.clientEnv(mallory)), runTimeout)
	if r.code == 0 {
		t.Fatalf("a session for a stranger succeeded: %s", r)
	}
	want := "nport: waiting for " + device + " (device default) to answer…"
	if n := strings.Count(r.stderr, want); n != 1 {
		t.Errorf("the client said %q %d times, want once: %s", want, n, r)
	}
	if strings.Contains(r.stderr, "waiting for the relay") || strings.Contains(r.stderr, "waiting for rendezvous") {
		t.Errorf("the client said it waited for a party that answered at once: %s", r)
	}

	r = run(t, command(append(w.plainClientArgs(alice, "-v"), "--", "true"), w.clientEnv(alice)), runTimeout)
	for _, step := range []string{"relay connection", "session from " + rvName, "daemon " + device + " joins", "paired at rendezvous", "encrypted tunnel"} {
		if !strings.Contains(r.stderr, step) {
			t.Errorf("-v does not show the step %q: %s", step, r)
		}
	}
	if !strings.Contains(r.stderr, "took") {
		t.Errorf("-v shows no step's time: %s", r)
	}
}
