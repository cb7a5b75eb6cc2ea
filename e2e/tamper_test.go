//go:build linux

package e2e

import (
	"net"
	"strings"
	"testing"

	"github.com/nport/nport/core/sshdtest"
)

// tamperLine is what the device prints, over and over, in the tamper test.
const tamperLine = "nport-tamper-line"

// TestFlippedByteFailsClosed changes one byte of the tunnel between the
// rendezvous and the client. The rendezvous gives out 127.0.0.2 with its
// port, where a proxy listens and forwards to the rendezvous on 127.0.0.1.
// The client must notice the change itself (ssh's own MAC must never see
// altered data), end the session and exit non-zero.
func TestFlippedByteFailsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		argv func(t *testing.T, w *world, remote string) []string
	}{
		{"ssh run by the client, verbose log", func(t *testing.T, w *world, remote string) []string {
			return w.clientArgs(alice, "--ssh", w.sshWrapper(t, remote))
		}},
		{"ssh run by the client, default log", func(t *testing.T, w *world, remote string) []string {
			return w.plainClientArgs(alice, "--ssh", w.sshWrapper(t, remote))
		}},
		{"ProxyCommand, default log", func(t *testing.T, w *world, remote string) []string {
			args := append([]string{sshdtest.SSH}, w.sshd.SSHArgs()...)
			proxy := shellJoin(w.plainClientArgs(alice, "--stdio"))
			return append(args, "-o", "ProxyCommand="+proxy, w.sshd.User+"@device-alias", remote)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, options{rvArgs: []string{"--ip", "127.0.0.2"}})
			host, port, err := net.SplitHostPort(w.rvAddr)
			if err != nil || host != "127.0.0.2" {
				t.Fatalf("got grant address %s (%v), want 127.0.0.2 and the listen port", w.rvAddr, err)
			}
			proxy := startFlipProxy(t, w.rvAddr, net.JoinHostPort("127.0.0.1", port), flipAt)
			// A megabyte of lines: far more than comes before the flip.
			remote := "yes " + tamperLine + " | head -c 1048576"
			argv := tt.argv(t, w, remote)
			r := run(t, command(argv, w.clientEnv(alice)), runTimeout)
			checkTampered(t, proxy, r)
			w.daemon.WaitFor(sessionEnded, logTimeout)
		})
	}
}

// flipAt is where the proxy changes a byte: far enough into the stream
// that the remote command's output has begun to arrive.
const flipAt = 64 << 10

// checkTampered checks the client's run through the flipping proxy.
func checkTampered(t *testing.T, proxy *flipProxy, r result) {
	t.Helper()
	if n := proxy.flipped.Load(); n != 1 {
		t.Fatalf("the proxy changed %d bytes, want 1: %s", n, r)
	}
	if r.code == 0 {
		t.Errorf("got exit 0 from a tampered session, want a failure: %s", r)
	}
	if !strings.Contains(r.stderr, "integrity check") {
		t.Errorf("the client did not report the failed integrity check: %s", r)
	}
	for _, sshSaw := range []string{"Corrupted MAC", "message authentication code incorrect", "Bad packet length"} {
		if strings.Contains(r.stderr, sshSaw) {
			t.Errorf("ssh received altered data (%q): %s", sshSaw, r)
		}
	}
	checkLines(t, r.stdout)
}

// checkLines fails the test if out, cut anywhere, is not a run of
// tamperLine lines, or is all of them.
func checkLines(t *testing.T, out string) {
	t.Helper()
	// How much authentic output reaches ssh before the tunnel is torn
	// down varies (buffered stream data is dropped with it), none included.
	t.Logf("%d bytes of output reached ssh before the session ended", len(out))
	if len(out) >= 1<<20 {
		t.Errorf("got all %d bytes of output through a tampered tunnel, want it cut short", len(out))
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		last := i == len(lines)-1
		if l != tamperLine && !(last && strings.HasPrefix(tamperLine, l)) {
			t.Fatalf("line %d of the output is %q, want %q: altered data reached ssh", i, l, tamperLine)
		}
	}
}
