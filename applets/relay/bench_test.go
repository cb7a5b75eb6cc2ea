package relay

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// benchEnvelope is the size of a typical sealed message: a session
// request or a tunnel request with its JSON body.
const benchEnvelope = 300

// benchWindow is how many envelopes a sender may have in flight: below
// the relay's send queue, so that the benchmark measures throughput and
// not the cutting off of slow readers.
const benchWindow = 128

// BenchmarkRelayMessages measures envelopes routed per second through an
// in-process relay, with 1, 10 and 100 pairs of clients over loopback
// TCP, each pair one sender and one receiver.
func BenchmarkRelayMessages(b *testing.B) {
	for _, pairs := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("pairs=%d", pairs), func(b *testing.B) { benchPairs(b, pairs) })
	}
}

// benchRounds numbers the rounds of benchPairsOn, for fresh names.
var benchRounds atomic.Int64

type benchPair struct {
	from, to *relayconn.Conn
	toName   identity.Name
	credit   chan struct{}
}

func benchPairs(b *testing.B, pairs int) {
	r := startRelay(b, func(c *Config) { c.Rate, c.ClaimRate = 0, 0 })
	benchPairsOn(b, []*testRelay{r}, pairs)
}

// benchPairsOn runs pairs over relays: the sender of pair i on relay i,
// its receiver on the next relay (both on the one relay if there is one).
func benchPairsOn(b *testing.B, relays []*testRelay, pairs int) {
	ps := make([]benchPair, pairs)
	round := benchRounds.Add(1) // a cluster's directory outlives a round
	for i := range ps {
		from, to := newID(b, fmt.Sprintf("@s%d-%d", round, i)), newID(b, fmt.Sprintf("@r%d-%d", round, i))
		ra, rb := relays[i%len(relays)], relays[(i+1)%len(relays)]
		ps[i] = benchPair{from: mustDial(b, ra, from), to: mustDial(b, rb, to), toName: to.Name, credit: make(chan struct{}, benchWindow)}
		for range benchWindow {
			ps[i].credit <- struct{}{}
		}
	}
	env := sealed(1, benchEnvelope)
	b.SetBytes(benchEnvelope)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range ps {
		n := b.N / pairs
		if i < b.N%pairs {
			n++
		}
		p := &ps[i]
		wg.Go(func() { benchReceive(b, p, n) })
		wg.Go(func() { benchSend(b, p, n, env) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	for _, p := range ps {
		p.from.Close()
		p.to.Close()
	}
}

func benchSend(b *testing.B, p *benchPair, n int, env []byte) {
	for range n {
		<-p.credit
		if err := p.from.Send(0, p.toName, 0, identity.PublicKey{}, env); err != nil {
			b.Error(err)
			return
		}
	}
}

func benchReceive(b *testing.B, p *benchPair, n int) {
	for got := 0; got < n; {
		v, err := p.to.Next()
		if err != nil {
			b.Error(err)
			return
		}
		if _, ok := v.(wire.Recv); ok {
			got++
			p.credit <- struct{}{}
		}
	}
}

func mustDial(b *testing.B, r *testRelay, id identity.Identity) *relayconn.Conn {
	c, err := r.dial(b, id)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkConnectReady measures a connection from dial to Welcome: TCP
// connect, both proofs, and the directory check of a known name.
func BenchmarkConnectReady(b *testing.B) {
	r := startRelay(b, nil)
	alice := newID(b, "@alice")
	check := func(k identity.PublicKey) error { return nil }
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		nc, err := net.Dial("tcp", r.addr)
		if err != nil {
			b.Fatal(err)
		}
		c, err := relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{Identity: alice, CheckRelayKey: check})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
