//go:build linux

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNonManagerGetsNoSession has @mallory, who is on the relay and gets a
// session from the open rendezvous, ask the daemon: it never answers, and
// the client gives up within its --timeout naming the daemon.
func TestNonManagerGetsNoSession(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	const timeout = 2 * time.Second
	r := w.runClient(mallory, "--timeout", timeout.String(), "-i", w.sshd.KeyFile)
	if r.code == 0 {
		t.Fatalf("got a session for a non-manager: %s", r)
	}
	for _, want := range []string{"daemon " + device, "did not answer within 2s", mallory} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r)
		}
	}
	// The rendezvous granted the session: the daemon's silence is what
	// ended it.
	if !regexp.MustCompile(`"step":"session from @rv".*"err":null`).MatchString(r.stderr) {
		t.Errorf("the client got no session from the rendezvous: %s", r)
	}
	if r.took < timeout || r.took > timeout+5*time.Second {
		t.Errorf("the client gave up after %v, want a little over its --timeout %v", r.took, timeout)
	}
	w.daemon.WaitFor(regexp.MustCompile(`ignored a message from an identity this program does not serve.*"from":"@mallory"`), logTimeout)
}

// TestTargetOutsidePermitOpen asks for port 1, which the daemon's default
// permit-open (its sshd only) does not allow, in each client mode.
func TestTargetOutsidePermitOpen(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	tests := []struct {
		name string
		args []string
	}{
		{"ssh", []string{"-p", "1", "--ssh", "/bin/false"}},
		{"printed command", []string{"-p", "1", "-x"}},
		{"stdio", []string{"-p", "1", "--stdio"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.runClient(alice, tt.args...)
			if r.code == 0 {
				t.Fatalf("got success for a target outside permit-open: %s", r)
			}
			for _, want := range []string{"localhost:1", "permit-open", "target-refused"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q: %s", want, r)
				}
			}
		})
	}
	w.daemon.WaitFor(regexp.MustCompile(`refused a tunnel request.*"code":"target-refused"`), logTimeout)
}

// TestRendezvousRefusesNonManager restricts the rendezvous to @alice: it
// refuses @mallory at once, naming the reason, and still serves @alice.
func TestRendezvousRefusesNonManager(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{rvArgs: []string{"-m", alice}})
	r := w.runClient(mallory, "--timeout", "10s", "--ssh", "/bin/false")
	if r.code == 0 {
		t.Fatalf("got a session for a non-manager of the rendezvous: %s", r)
	}
	for _, want := range []string{"rendezvous " + rvName, "unauthorized"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r)
		}
	}
	if r.took > 5*time.Second {
		t.Errorf("the refusal took %v, want it at once, not at the timeout", r.took)
	}
	sshEcho(t, w)
}
