package relayclient

import (
	"context"

	"github.com/nport/nport/applets/relay"
	"testing"

	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// BenchmarkReceive measures the checks of one incoming envelope: pin,
// open, replay guard, delivery.
func BenchmarkReceive(b *testing.B) {
	alice, bob := newID(b, "@alice"), newID(b, "@bob")
	c, err := New(Config{Settings: Settings{Relay: "relay:7020"}, Identity: alice, Home: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	frames := make([]wire.Recv, b.N)
	for i := range frames {
		frames[i] = wire.Recv{FromConn: 1, From: "@bob", FromPub: bob.Public().Raw(), Sealed: seal.Seal(bob.Key, alice.Public(), message(b, "x"))}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c.receive(frames[i])
		<-c.inbox
	}
}

// BenchmarkRequest measures a request and its answer through the real
// relay on loopback.
func BenchmarkRequest(b *testing.B) {
	r := startRelay(b, b.TempDir(), "127.0.0.1:0", func(c *relay.Config) { c.Rate = 0 })
	alice := startPeer(b, testConfig(b, r.addr, newID(b, "@alice")))
	bob := startPeer(b, testConfig(b, r.addr, newID(b, "@bob")))
	alice.ready(b)
	bob.ready(b)
	go answer(bob)
	ctx := context.Background()
	msgs := make([]wire.Message, b.N)
	for i := range msgs {
		msgs[i] = message(b, "x")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := alice.Request(ctx, "@bob", msgs[i]); err != nil {
			b.Fatal(err)
		}
	}
}
