package status

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// Listen opens the listener of addr: HOST:PORT, or a PORT alone, which
// means 127.0.0.1:PORT. An address that is not loopback (":9720" is every
// interface) is refused unless public is set.
func Listen(ctx context.Context, addr string, public bool) (net.Listener, error) {
	addr, err := normalize(addr)
	if err != nil {
		return nil, err
	}
	if !public {
		if err := checkLoopback(ctx, addr); err != nil {
			return nil, err
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics: listen on %s: %w (pick another port)", addr, err)
	}
	return ln, nil
}

// normalize turns a bare port into a loopback address.
func normalize(addr string) (string, error) {
	if _, err := strconv.ParseUint(addr, 10, 16); err == nil {
		return net.JoinHostPort("127.0.0.1", addr), nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", fmt.Errorf("--metrics %q: want HOST:PORT or PORT: %w", addr, err)
	}
	return addr, nil
}

// checkLoopback refuses an address some of whose IPs are not loopback.
func checkLoopback(ctx context.Context, addr string) error {
	host, _, _ := net.SplitHostPort(addr)
	refused := fmt.Errorf("--metrics %s is not a loopback address: the status page shows who is connected, so it listens on 127.0.0.1 or ::1 unless --metrics-public says otherwise", addr)
	if host == "" {
		return refused
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !ip.IsLoopback() {
			return refused
		}
		return nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("--metrics %s: %w", addr, err)
	}
	for _, ip := range ips {
		if !ip.Unmap().IsLoopback() {
			return refused
		}
	}
	return nil
}
