// Package nettest holds helpers for tests that use real sockets: a loopback
// TCP connection, TCP and UDP echo services, and a check that the
// goroutines a test started have ended.
// It imports testing, so only _test.go files should import it.
package nettest

import (
	"net"
	"testing"
)

// TCPPair returns the two ends of a loopback TCP connection, the dialed end
// first, then the accepted one. Both are closed when the test ends; closing
// either sooner is fine.
//
// A real socket, unlike net.Pipe, buffers, half-closes and can take the
// kernel's splice path, which is what the code under test meets in use.
func TCPPair(t testing.TB) (dialed, accepted *net.TCPConn) {
	t.Helper()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	defer ln.Close()
	// The kernel completes the handshake into the listen backlog, so the
	// dial returns before Accept is called and no goroutine is needed: one
	// would only disturb a goroutine count the test may be taking.
	dialed, err = net.DialTCP("tcp", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatalf("dial loopback: %v", err)
	}
	accepted, err = ln.AcceptTCP()
	if err != nil {
		dialed.Close()
		t.Fatalf("accept loopback: %v", err)
	}
	t.Cleanup(func() {
		dialed.Close()
		accepted.Close()
	})
	return dialed, accepted
}
