//go:build !nport_nocluster

package relay

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/cluster/natstest"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// clusterRelays starts a relay on each NATS server of nats.
func clusterRelays(t testing.TB, nats *natstest.Cluster) []*testRelay {
	t.Helper()
	var relays []*testRelay
	for _, s := range nats.Servers {
		relays = append(relays, startRelay(t, func(c *Config) { c.Cluster = s.URL }))
	}
	return relays
}

// TestClusterQueueAndDirectory: a message queued for an offline identity
// on relay A is delivered when it connects to relay B, and a name claimed
// on A is taken on B.
func TestClusterQueueAndDirectory(t *testing.T) {
	nats := natstest.Start(t, 3)
	relays := clusterRelays(t, nats)
	a, b := relays[0], relays[1]
	alice, dev := newID(t, "@alice"), newID(t, "@dev")

	d := a.connect(t, dev) // claims @dev, on A
	d.c.Close()
	al := a.connect(t, alice)
	waitFor(t, "@dev offline on relay A", func() bool {
		al.c.Send(1, "@dev", 0, identity.PublicKey{}, sealed(1, 100))
		return al.status(t, 1) == wire.SendQueued
	})
	got := b.connect(t, dev).recv(t)
	if got.From != "@alice" || !bytes.Equal(got.Sealed, sealed(1, 100)) {
		t.Errorf("on relay B @dev got %d bytes from %s, want what @alice queued on relay A", len(got.Sealed), got.From)
	}

	_, err := b.dial(t, newID(t, "@dev"))
	var r wire.Refusal
	if !errors.As(err, &r) || r.Code != wire.RefuseNameTaken {
		t.Errorf("another key for @dev on relay B: got %v, want refused, name taken", err)
	}
}

// TestClusterNATSLoss: relays whose NATS servers all die refuse new
// clients and answer sends "unavailable", saying why; once the servers
// are back, the relays route again by themselves. (A relay that loses
// one server of a cluster moves to another at once.)
func TestClusterNATSLoss(t *testing.T) {
	nats := natstest.Start(t, 3)
	relays := clusterRelays(t, nats)
	a, b := relays[0], relays[1]
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	al, bo := a.connect(t, alice), b.connect(t, bob)
	al.c.Send(1, "@bob", 0, identity.PublicKey{}, sealed(1, 100))
	// Delivered, or queued if @bob's subscription has not reached relay
	// A's NATS server yet: then it comes from the queue a moment later.
	if got := al.status(t, 1); got != wire.SendDelivered && got != wire.SendQueued {
		t.Fatalf("before the loss: got %v, want delivered", got)
	}
	if got := bo.recv(t); !bytes.Equal(got.Sealed, sealed(1, 100)) {
		t.Fatalf("before the loss @bob got envelope %x, want 01", got.Sealed[:1])
	}

	for _, s := range nats.Servers {
		s.Kill()
	}
	waitFor(t, "relay A to notice", func() bool {
		al.c.Send(2, "@bob", 0, identity.PublicKey{}, sealed(2, 100))
		return al.status(t, 2) == wire.SendUnavailable
	})
	carol := newID(t, "@carol")
	_, err := a.dial(t, carol)
	var r wire.Refusal
	if !errors.As(err, &r) || !strings.Contains(r.Message, "lost its cluster") {
		t.Errorf("a new client of relay A: got %v, want a refusal that says the relay lost its cluster", err)
	}

	for _, s := range nats.Servers {
		s.Restart()
	}
	nats.WaitJetStream()
	waitFor(t, "relay A to route again", func() bool {
		al.c.Send(3, "@bob", 0, identity.PublicKey{}, sealed(3, 100))
		return al.status(t, 3) == wire.SendDelivered
	})
	if got := bo.recv(t); !bytes.Equal(got.Sealed, sealed(3, 100)) {
		t.Errorf("after the restart @bob got envelope %x, want 03", got.Sealed[:1])
	}
	// The directory's stream elects its own leader after the restart: a
	// claim may be refused ("try again later") until it has.
	for attempt := 0; ; attempt++ {
		c, err := a.dial(t, carol)
		if err == nil {
			c.Close()
			break
		}
		if attempt == 20 {
			t.Fatalf("a new client of relay A after the restart: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// waitFor asks cond again every 20 ms, for what another process or the
// network makes true, for 15 seconds at most.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waiting for %s: not within 15 s", what)
}

// BenchmarkClusterMessages is BenchmarkRelayMessages over three relays of
// a cluster on a 3-node NATS cluster, every pair's sender and receiver on
// different relays.
func BenchmarkClusterMessages(b *testing.B) {
	nats := natstest.Start(b, 3)
	var relays []*testRelay
	for _, s := range nats.Servers {
		relays = append(relays, startRelay(b, func(c *Config) { c.Cluster, c.Rate, c.ClaimRate = s.URL, 0, 0 }))
	}
	for _, pairs := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("pairs=%d", pairs), func(b *testing.B) { benchPairsOn(b, relays, pairs) })
	}
}
