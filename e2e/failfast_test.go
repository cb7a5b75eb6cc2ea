//go:build linux

package e2e

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
)

// TestClientGivesUpOnUnreachableRelay points the client at a relay that
// will not be there: it says so, and what to check, instead of trying
// for its whole --timeout.
func TestClientGivesUpOnUnreachableRelay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		relay func(t *testing.T) string
		want  []string
	}{
		{"nothing listens", closedAddr, []string{"connection refused", "is the relay running?", "--relay, NPORT_RELAY"}},
		{"no such host", func(t *testing.T) string {
			const name = "relay.nport.invalid"
			_, err := net.DefaultResolver.LookupHost(context.Background(), name)
			if dns := (*net.DNSError)(nil); !errors.As(err, &dns) || !dns.IsNotFound {
				t.Skipf("this machine's resolver does not answer %s with no such host (%v)", name, err)
			}
			return name
		}, []string{"relay.nport.invalid:7020", "no such host", "check the relay's address in --relay, NPORT_RELAY"}},
	}
	bin := proctest.Binary(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := []string{identity.HomeEnv + "=" + t.TempDir(), "NPORT_RELAY="}
			start := time.Now()
			// --timeout is long: a client that waited it out would fail
			// here on its message, not on the clock.
			got := proctest.Run(t, bin, env, "client", "-f", alice, "-t", device, "--relay", tt.relay(t), "--timeout", "40s")
			t.Logf("the client gave up after %v", time.Since(start).Round(time.Millisecond))
			if got.Code != 1 {
				t.Errorf("got exit %d, want 1", got.Code)
			}
			for _, want := range tt.want {
				if !strings.Contains(got.Stderr, want) {
					t.Errorf("stderr %q, want it to contain %q", got.Stderr, want)
				}
			}
			if strings.Contains(got.Stderr, "WARN") || strings.Contains(got.Stderr, "not connected to relay") {
				t.Errorf("stderr %q, want the one error, not a warning or a timeout", got.Stderr)
			}
		})
	}
}

// TestDaemonWaitsForRelay starts a daemon before its relay: it keeps
// trying, and is ready once a relay listens at that address.
func TestDaemonWaitsForRelay(t *testing.T) {
	t.Parallel()
	bin := proctest.Binary(t)
	addr := closedAddr(t)
	env := []string{identity.HomeEnv + "=" + t.TempDir(), "NPORT_RELAY="}
	d := proctest.Start(t, bin, env, "daemon", "-a", device, "-m", alice, "--relay", addr, "--log-format", "json")
	d.WaitFor(regexp.MustCompile(`"level":"WARN","msg":"cannot connect to the relay".*connection refused`), readyTimeout)
	if exited, code := d.Exited(); exited {
		t.Fatalf("the daemon exited (%d) when the relay was not there; output:\n%s", code, d.Output())
	}
	relay := proctest.Start(t, bin, []string{identity.HomeEnv + "=" + t.TempDir()}, "relay", "--listen", addr)
	relay.WaitFor(relayReady, readyTimeout)
	d.WaitFor(daemonReady, readyTimeout)
}
