package admission

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/nport/nport/wire"
)

// wait bounds every wait on a socket in these tests.
const wait = 5 * time.Second

// fakeClock drives a gate's clock by hand.
type fakeClock struct{ now time.Duration }

// newTestGate returns a gate on a fake clock.
func newTestGate(cfg Config) (*Gate, *fakeClock) {
	g := New(cfg)
	c := &fakeClock{}
	g.now = func() time.Duration { return c.now }
	return g, c
}

// key is the source prefix of the IPv4 address a.
func key(a string) netip.Prefix {
	return netip.PrefixFrom(netip.MustParseAddr(a), 32)
}

// loopback accepts sockets dialed from chosen loopback addresses: all of
// 127.0.0.0/8 is loopback on Linux, so each address is a source of its own.
type loopback struct {
	t  testing.TB
	ln *net.TCPListener
}

func newLoopback(t testing.TB) *loopback {
	t.Helper()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return &loopback{t: t, ln: ln}
}

// pair dials from the address from and returns the dialed end and the
// accepted one, both closed when the test ends.
func (l *loopback) pair(from string) (dialed, accepted net.Conn) {
	l.t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: wait}
	dialed, err := d.Dial("tcp", l.ln.Addr().String())
	if err != nil {
		l.t.Skipf("cannot dial from %s (not all of 127/8 is loopback here?): %v", from, err)
	}
	accepted, err = l.ln.Accept()
	if err != nil {
		l.t.Fatalf("accept: %v", err)
	}
	l.t.Cleanup(func() {
		dialed.Close()
		accepted.Close()
	})
	return dialed, accepted
}

// told reads what the gate sent to the peer of dialed before closing it:
// the refusal, or ok false if the socket closed without one, or is still
// open after wait.
func told(t testing.TB, dialed net.Conn) (r wire.Refusal, ok bool) {
	t.Helper()
	_ = dialed.SetReadDeadline(time.Now().Add(wait))
	all, err := io.ReadAll(dialed)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("socket still open after %v, want it closed", wait)
	}
	if len(all) == 0 {
		return wire.Refusal{}, false
	}
	typ, payload, err := wire.ReadFrame(bytes.NewReader(all), make([]byte, wire.MaxFrameSize))
	if err != nil || typ != wire.FrameRefuse {
		t.Fatalf("got %q (%v), want one refuse frame", all, err)
	}
	r, err = wire.ParseRefuse(payload)
	if err != nil {
		t.Fatalf("parse refuse: %v", err)
	}
	return r, true
}

// tcpAddr is ap as the listener reports a remote address.
func tcpAddr(ap netip.AddrPort) *net.TCPAddr { return net.TCPAddrFromAddrPort(ap) }
