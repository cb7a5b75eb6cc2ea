package tunnel

import (
	"io"
	"net"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
)

// benchChunk is the size of each write in the throughput benchmarks.
const benchChunk = 64 << 10

// Compare the tunnel with a plain loopback copy in one run:
//
//	go test -run='^$' -bench='Tunnel|Direct' -benchmem ./core/tunnel

// BenchmarkTunnelThroughput copies one stream, client to daemon, through
// the record layer and the multiplexer over loopback TCP.
func BenchmarkTunnelThroughput(b *testing.B) {
	cc, dc := tcpPair(b)
	p := newPair(b, cc, dc, Options{}, Options{})
	s, err := p.client.OpenStream()
	if err != nil {
		b.Fatalf("OpenStream: %v", err)
	}
	ys, err := p.daemon.mux.accept()
	if err != nil {
		b.Fatalf("AcceptStream: %v", err)
	}
	copyThrough(b, s, p.daemon.wrap(ys))
}

// BenchmarkDirectLoopback is the same copy over a bare loopback TCP
// connection: the ceiling the tunnel is measured against.
func BenchmarkDirectLoopback(b *testing.B) {
	w, r := tcpPair(b)
	copyThrough(b, w, r)
}

// copyThrough writes b.N chunks to w while r is drained, and stops the
// clock once r has seen the end of them.
func copyThrough(b *testing.B, w, r net.Conn) {
	received := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, struct{ io.Reader }{r})
		received <- n
	}()
	chunk := make([]byte, benchChunk)
	b.SetBytes(benchChunk)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := w.Write(chunk); err != nil {
			b.Fatalf("write: %v", err)
		}
	}
	if err := w.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		b.Fatalf("CloseWrite: %v", err)
	}
	if n := <-received; n != int64(b.N)*benchChunk {
		b.Fatalf("received %d bytes, want %d", n, int64(b.N)*benchChunk)
	}
}

// BenchmarkTunnelSetup measures a tunnel's start on a socket already
// paired: key derivation at both ends, the multiplexer, and the round trip
// of a first stream's first byte.
func BenchmarkTunnelSetup(b *testing.B) {
	ck, _ := identity.GenerateEphemeral()
	dk, _ := identity.GenerateEphemeral()
	id := session.NewID()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		cc, dc := loopback(b)
		b.StartTimer()
		client, err := New(cc, record.Client, ck, dk.Public(), id, Options{})
		if err != nil {
			b.Fatalf("New(client): %v", err)
		}
		daemon, err := New(dc, record.Daemon, dk, ck.Public(), id, Options{})
		if err != nil {
			b.Fatalf("New(daemon): %v", err)
		}
		go echoFirstStream(daemon)
		s, err := client.OpenStream()
		if err != nil {
			b.Fatalf("OpenStream: %v", err)
		}
		var one [1]byte
		if _, err := s.Write(one[:]); err != nil {
			b.Fatalf("write: %v", err)
		}
		if _, err := io.ReadFull(s, one[:]); err != nil {
			b.Fatalf("read: %v", err)
		}
		b.StopTimer()
		client.Close()
		daemon.Close()
		b.StartTimer()
	}
}

// echoFirstStream sends back the first byte of the first stream.
func echoFirstStream(t *Tunnel) {
	s, err := t.mux.accept()
	if err != nil {
		return
	}
	var one [1]byte
	if _, err := io.ReadFull(s, one[:]); err == nil {
		s.Write(one[:])
	}
}
