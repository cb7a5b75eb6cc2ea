package relay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// dialFrom connects to addr from the loopback address from: every address
// of 127.0.0.0/8 is loopback on Linux, so each is a source of its own.
func dialFrom(t testing.TB, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot dial from %s (is all of 127.0.0.0/8 loopback here?): %v", from, err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

// handshakeFrom runs an honest client's handshake from the address from.
func (r *testRelay) handshakeFrom(t testing.TB, from string, id identity.Identity) (*relayconn.Conn, error) {
	t.Helper()
	return relayconn.Handshake(context.Background(), dialFrom(t, from, r.addr), relayconn.ClientConfig{
		Identity: id,
		CheckRelayKey: func(k identity.PublicKey) error {
			if !k.Equal(r.key) {
				return errors.New("not the relay's key")
			}
			return nil
		},
	})
}

// connectFrom is connect from the address from.
func (r *testRelay) connectFrom(t testing.TB, from string, id identity.Identity) *client {
	t.Helper()
	c, err := r.handshakeFrom(t, from, id)
	if err != nil {
		t.Fatalf("%s: connect: %v", id.Name, err)
	}
	cl := newClient(c)
	t.Cleanup(cl.close)
	return cl
}

// refusalOf reads what the relay sent nc before closing it: a Refuse.
func refusalOf(t testing.TB, nc net.Conn) wire.Refusal {
	t.Helper()
	return nettest.MustRefusal(t, nc, 10*time.Second)
}

// TestIdleFloodLeavesRoomForHonestClients fills the handshake limits with
// silent sockets, from the address the honest clients use and from eight
// others: the sockets turned away are told which limit, live connections
// keep working, and honest handshakes from every address still succeed.
func TestIdleFloodLeavesRoomForHonestClients(t *testing.T) {
	nettest.NoLeaks(t)
	const (
		maxAll, perSource = 32, 8
		grace             = time.Second
	)
	r := startRelay(t, func(c *Config) {
		c.MaxHandshakes, c.MaxHandshakesPerSource, c.HandshakeGrace = maxAll, perSource, grace
		c.HandshakeTimeout = time.Minute // the flood stays until shed
	})
	// Welcomed, they hold no handshake slot: the flood cannot shed them.
	a, b := r.connectFrom(t, "127.0.0.10", newID(t, "@alice")), r.connectFrom(t, "127.0.0.10", newID(t, "@bob"))

	// The relay accepts in the order of the dials, so the ninth socket of
	// 127.0.0.1 meets a full source whose sockets are all younger than
	// the grace.
	var idle []net.Conn
	for range perSource {
		idle = append(idle, dialFrom(t, "127.0.0.1", r.addr))
	}
	if ref := refusalOf(t, dialFrom(t, "127.0.0.1", r.addr)); ref.Code != wire.RefuseLimit || !strings.Contains(ref.Message, "per-address limit") {
		t.Errorf("ninth socket of one address: got %v, want a limit refusal naming the per-address limit", ref)
	}
	// 64 more from eight other addresses: the 40 oldest of all are shed,
	// each as the socket 32 places after it is seated, so the last of
	// them has been told once the whole flood is seated.
	for i := range 8 * perSource {
		idle = append(idle, dialFrom(t, fmt.Sprintf("127.0.0.%d", 2+i/perSource), r.addr))
	}
	for i, nc := range idle[:len(idle)-maxAll] {
		if ref := refusalOf(t, nc); ref.Code != wire.RefuseLimit || !strings.Contains(ref.Message, "global limit") {
			t.Errorf("idle socket %d: got %v, want a limit refusal naming the global limit", i, ref)
		}
	}
	exchange(t, a, b, 1)

	// Past the grace, a newcomer of a full source takes the place of its
	// idlest socket, and anyone else that of the idlest of all.
	time.Sleep(grace) // the flood must have been idle for the grace: the wait is the condition
	for i, from := range []string{"127.0.0.1", "127.0.0.9", "127.0.0.5", "127.0.0.1"} {
		c, err := r.handshakeFrom(t, from, newID(t, fmt.Sprintf("@honest%d", i)))
		if err != nil {
			t.Fatalf("honest client %d from %s: got %v, want a welcome", i, from, err)
		}
		c.Close()
	}
	exchange(t, a, b, 2)
}
