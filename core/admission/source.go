package admission

import (
	"net"
	"net/netip"
)

// sourceOf is the source address a socket is counted under: an IPv4
// address (also when it reaches an IPv6 socket as ::ffff:a.b.c.d), the /64
// of an IPv6 address, which is what one site is usually given, and the
// zero prefix for everything else (a unix socket, say), which is one
// source.
func sourceOf(a net.Addr) netip.Prefix {
	var ip netip.Addr
	switch a := a.(type) {
	case *net.TCPAddr:
		ip = a.AddrPort().Addr()
	case *net.UDPAddr:
		ip = a.AddrPort().Addr()
	}
	ip = ip.Unmap()
	switch {
	case ip.Is4():
		return netip.PrefixFrom(ip, 32)
	case ip.Is6():
		p, _ := ip.WithZone("").Prefix(64)
		return p
	}
	return netip.Prefix{}
}
