package tunnel

import (
	"bytes"
	"errors"
	"net"
	"testing"
)

func TestSingleCarriesOneConnection(t *testing.T) {
	cc, dc := tcpPair(t)
	tg := startTarget(t, echo)
	opts := Options{Single: true}
	r := newPair(t, cc, dc, Options{Single: true, Logger: testLogger(t)}, opts).serve(t, tg.dial)
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := randomBytes(t, 3<<20)
	got, err := exchange(c, data)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes back (%v), want the %d sent", len(got), err, len(data))
	}
	// The one connection has ended both ways: so has the tunnel, cleanly.
	if err := result(t, "ServeTargets", r.daemonErr); !errors.Is(err, ErrPeerClosed) {
		t.Errorf("ServeTargets: got %v, want ErrPeerClosed", err)
	}
	if err := result(t, "ServeListener", r.clientErr); !Clean(err) {
		t.Errorf("ServeListener: got %v, want a clean end", err)
	}
	if in := tg.inputs(); len(in) != 1 {
		t.Errorf("the target had %d connections, want 1", len(in))
	}
}

func TestSingleRefusesASecondConnection(t *testing.T) {
	cc, dc := tcpPair(t)
	tg := startTarget(t, echo)
	r := newPair(t, cc, dc, Options{Single: true}, Options{Single: true}).serve(t, tg.dial)
	first, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	roundTrip(t, "the first connection", first, []byte("hello"))
	second, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if n, err := second.Read(make([]byte, 1)); err == nil {
		t.Errorf("the second connection read %d bytes, want it closed", n)
	}
	roundTrip(t, "the first connection after the second", first, []byte("still here"))
	if _, err := r.client.OpenStream(); err == nil {
		t.Error("OpenStream on a tunnel whose one connection is open: got nil error")
	}
}

// BenchmarkSingleThroughput is BenchmarkTunnelThroughput for a tunnel of
// one connection: the record stream without the multiplexer.
func BenchmarkSingleThroughput(b *testing.B) {
	cc, dc := tcpPair(b)
	p := newPair(b, cc, dc, Options{Single: true}, Options{Single: true})
	s, err := p.client.OpenStream()
	if err != nil {
		b.Fatalf("OpenStream: %v", err)
	}
	ds, err := p.daemon.mux.accept()
	if err != nil {
		b.Fatalf("accept: %v", err)
	}
	copyThrough(b, s, p.daemon.wrap(ds))
}
