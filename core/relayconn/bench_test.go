package relayconn

import (
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// BenchmarkSendNext measures one 300-byte envelope written by a client
// and read by the relay side over loopback TCP. Its allocations are those
// of the decoded frame: the name string and the frame in an interface.
func BenchmarkSendNext(b *testing.B) {
	relay, alice := newID(b, "@relay"), newID(b, "@alice")
	cli, rel := connect(b, ServerConfig{Key: relay.Key, Welcome: welcome(time.Minute)}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	env := sealed(300, 1)
	done := make(chan error, 1)
	go func() {
		for range b.N {
			if err := cli.Send(0, "@bob", 0, identity.PublicKey{}, env); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	b.SetBytes(int64(len(env)))
	b.ReportAllocs()
	for range b.N {
		v, err := rel.Next()
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := v.(wire.Send); !ok {
			b.Fatalf("got %T, want wire.Send", v)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
