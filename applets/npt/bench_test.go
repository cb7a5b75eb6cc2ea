package npt

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
)

// BenchmarkUDPRoundTrip sends 1400-byte datagrams one at a time through
// a UDP port and a tunnel over loopback, to an echo on the daemon's side,
// and waits for each to come back: the latency of a flow, and what it
// allocates per datagram.
//
//	go test -run='^$' -bench=UDPRoundTrip -benchmem ./applets/npt
func BenchmarkUDPRoundTrip(b *testing.B) {
	target, _ := nettest.TCPEcho(b)
	p, err := listenUDP("127.0.0.1:0", discard)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx, stop := context.WithCancel(context.Background())
	served := serveIn(ctx, p, tunnelTo(b, target))
	defer func() { stop(); <-served }()
	c, err := net.Dial("udp", p.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	out, in := make([]byte, 1400), make([]byte, 2048)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(out); err != nil {
			b.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(waitTimeout))
		if _, err := c.Read(in); err != nil {
			b.Fatal(err)
		}
	}
}
