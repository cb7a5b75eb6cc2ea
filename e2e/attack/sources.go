//go:build linux

package attack

import (
	"context"
	"net"
	"net/netip"
	"time"
)

// dialTimeout bounds one dial: loopback answers at once unless the
// listener's backlog is full.
const dialTimeout = 5 * time.Second

// Sources are the addresses an attacker's sockets come from, in turn.
// Empty means the system's choice (127.0.0.1 towards a loopback server).
type Sources []netip.Addr

// Loopback returns n source addresses from first on, which should be in
// 127.0.0.0/8: all of it is loopback on Linux, so no interface needs
// setting up.
func Loopback(first netip.Addr, n int) Sources {
	s := make(Sources, n)
	for i := range s {
		s[i], first = first, first.Next()
	}
	return s
}

// With returns s and the extra addresses.
func (s Sources) With(extra ...netip.Addr) Sources {
	return append(append(Sources(nil), s...), extra...)
}

// Localhost is 127.0.0.1, where honest loopback clients come from.
var Localhost = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// dial opens the i-th socket of an attacker to addr, from the i-th
// source in turn.
func (s Sources) dial(ctx context.Context, i int, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: dialTimeout}
	if len(s) > 0 {
		d.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(s[i%len(s)], 0))
	}
	return d.DialContext(ctx, "tcp", addr)
}
