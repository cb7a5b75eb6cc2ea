package relayclient

import (
	"os"
	"strings"
	"testing"

	"github.com/nport/nport/core/identity"
)

// TestSeveralRelays gives a client two relays, each with its own key: it
// connects to the first, moves to the second when the first stops, and
// keeps one pin per relay.
func TestSeveralRelays(t *testing.T) {
	a := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	b := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	cfg := testConfig(t, a.addr+","+b.addr, newID(t, "@dev"))
	p := startPeer(t, cfg)
	p.ready(t)
	waitFor(t, "the client on the first relay", func() bool {
		return strings.Contains(p.log.String(), `msg="connected to the relay" relay=`+cfg.Relay+" addr="+a.addr)
	})
	a.stop(t)
	// The move may be quicker than a poll of the connection: the log
	// says where it went.
	waitFor(t, "the client on the second relay", func() bool {
		return strings.Contains(p.log.String(), `msg="connected to the relay" relay=`+cfg.Relay+" addr="+b.addr)
	})
	pins, err := os.ReadFile(identity.KnownFile(cfg.Home))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*realRelay{a, b} {
		if want := identity.RelaySubject(r.addr) + " " + r.key.String(); !strings.Contains(string(pins), want) {
			t.Errorf("no pin %q in:\n%s", want, pins)
		}
	}
	// A peer whose first relay is down starts on the next.
	q := startPeer(t, testConfig(t, a.addr+","+b.addr, newID(t, "@other")))
	q.ready(t)
	exchange(t, p, q, "hello")
}
