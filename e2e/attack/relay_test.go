//go:build linux

package attack

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
)

func TestClaimFloodIsWelcomedByAnOpenRelay(t *testing.T) {
	nettest.NoLeaks(t)
	addr, key := startRelay(t)
	f := &ClaimFlood{Relay: addr, RelayKey: key, Workers: 2, Sources: Loopback(netip.MustParseAddr("127.0.2.2"), 1), Bounds: Bounds{Duration: time.Minute, Count: 6}}
	if c := result(t, runAsync(context.Background(), f)); c.Attempts != 6 || c.Accepted != 6 {
		t.Errorf("got %s, want 6 claims, all welcomed", c)
	}
}

func TestClaimFloodChecksTheRelayKey(t *testing.T) {
	nettest.NoLeaks(t)
	addr, _ := startRelay(t)
	other, _ := identity.GenerateKey()
	f := &ClaimFlood{Relay: addr, RelayKey: other.Public(), Bounds: Bounds{Duration: time.Minute, Count: 2}}
	if c := result(t, runAsync(context.Background(), f)); c.Accepted != 0 || c.Errors != 2 {
		t.Errorf("got %s, want 2 errors: the relay does not prove the key given", c)
	}
}

func TestSendFloodIsDelivered(t *testing.T) {
	nettest.NoLeaks(t)
	addr, key := startRelay(t)
	to := receiver(t, addr, key)
	f := &SendFlood{Relay: addr, RelayKey: key, To: to, Senders: 2, Messages: 20, Pulses: 2, MaxSealed: 100,
		Sources: Loopback(netip.MustParseAddr("127.0.2.2"), 2), Bounds: Bounds{Duration: 200 * time.Millisecond}}
	select {
	case <-f.Ready():
		t.Fatal("ready before it ran")
	default:
	}
	if c := result(t, runAsync(context.Background(), f)); c.Attempts != 40 || c.Accepted != 40 {
		t.Errorf("got %s, want 40 sends, all delivered", c)
	}
}

// receiver connects a fresh identity to the relay and reads what it is
// sent until the test ends.
func receiver(t *testing.T, addr string, key identity.PublicKey) identity.Name {
	t.Helper()
	id, err := freshIdentity("@recv")
	if err != nil {
		t.Fatal(err)
	}
	nc, err := Sources(nil).dial(context.Background(), 0, addr)
	if err != nil {
		t.Fatal(err)
	}
	l, err := handshake(context.Background(), nc, id, key)
	if err != nil {
		t.Fatal(err)
	}
	w := watch(l, &tally{})
	t.Cleanup(w.stop)
	return id.Name
}
