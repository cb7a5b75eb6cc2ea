package admission

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
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
// the refusal, or ok false if the socket closed without one.
func told(t testing.TB, dialed net.Conn) (r wire.Refusal, ok bool) {
	t.Helper()
	return nettest.ReadRefusal(t, dialed, wait)
}

// tcpAddr is ap as the listener reports a remote address.
func tcpAddr(ap netip.AddrPort) *net.TCPAddr { return net.TCPAddrFromAddrPort(ap) }
