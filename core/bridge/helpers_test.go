package bridge

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
)

// transport builds the four connections of a bridged test: endA talks to a,
// b talks to endB, and the bridge joins a and b.
type transport struct {
	name      string
	halfClose bool // endA and endB can CloseWrite and the bridge passes it on
	spliced   bool // the bridge should take the splice path
	conns     func(t testing.TB) (endA, a, b, endB net.Conn)
}

// transports are raw TCP (splice path), TCP hidden behind another type
// (pooled loop, half-close), and net.Pipe (pooled loop, no half-close).
var transports = []transport{
	{name: "tcp", halfClose: true, spliced: true, conns: func(t testing.TB) (net.Conn, net.Conn, net.Conn, net.Conn) {
		endA, a := tcpPair(t)
		b, endB := tcpPair(t)
		return endA, a, b, endB
	}},
	{name: "wrapped", halfClose: true, conns: func(t testing.TB) (net.Conn, net.Conn, net.Conn, net.Conn) {
		endA, a := tcpPair(t)
		b, endB := tcpPair(t)
		return endA, opaqueConn{a}, opaqueConn{b}, endB
	}},
	{name: "pipe", conns: func(t testing.TB) (net.Conn, net.Conn, net.Conn, net.Conn) {
		endA, a := net.Pipe()
		b, endB := net.Pipe()
		t.Cleanup(func() { closeAll(endA, a, b, endB) })
		return endA, a, b, endB
	}},
}

// opaqueConn hides a *net.TCPConn behind another type, as an encrypted
// stream would, while still forwarding half-closes.
type opaqueConn struct{ *net.TCPConn }

// ReadFrom and WriteTo are shadowed so that nothing can reach the TCP
// conn's splice path through this wrapper.
func (c opaqueConn) ReadFrom(io.Reader) (int64, error) { panic("opaqueConn.ReadFrom called") }
func (c opaqueConn) WriteTo(io.Writer) (int64, error)  { panic("opaqueConn.WriteTo called") }

// tcpPair returns the two ends of a loopback TCP connection, closed when
// the test ends.
var tcpPair = nettest.TCPPair

func closeAll(cs ...net.Conn) {
	for _, c := range cs {
		_ = c.Close()
	}
}

// errMismatch reports that an end read other bytes than its peer sent.
var errMismatch = errors.New("bytes differ from what was sent")

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	_, _ = r.Read(b)
	return b
}

// checkGoroutines fails the test if goroutines started during it are still
// running when its cleanups are done. Call it first, so it runs last.
var checkGoroutines = nettest.NoLeaks

// runBridge starts br in the background; the channel yields its result.
type result struct {
	stats Stats
	err   error
}

func runBridge(t *testing.T, br *Bridge, ctx context.Context) <-chan result {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		s, err := br.Run(ctx)
		done <- result{s, err}
	}()
	return done
}

// waitResult returns the bridge's result, failing the test after limit.
func waitResult(t *testing.T, done <-chan result, limit time.Duration) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		t.Fatalf("bridge still running after %s", limit)
		return result{}
	}
}

// exchange writes out to c while reading len(in) bytes from it, and fails
// the test unless what it read equals in. It runs in its own goroutine and
// reports on errc.
func exchange(c net.Conn, out, in []byte, errc chan<- error) {
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(out)
		werr <- err
	}()
	got := make([]byte, len(in))
	if _, err := io.ReadFull(c, got); err != nil {
		errc <- err
		return
	}
	if err := <-werr; err != nil {
		errc <- err
		return
	}
	if !bytes.Equal(got, in) {
		errc <- errMismatch
		return
	}
	errc <- nil
}

// swap sends toB from endA to endB and toA the other way at once, and
// fails the test unless each end reads exactly what the other sent.
func swap(t *testing.T, endA, endB net.Conn, toB, toA []byte) {
	t.Helper()
	errc := make(chan error, 2)
	go exchange(endA, toB, toA, errc)
	go exchange(endB, toA, toB, errc)
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatalf("got exchange error %v, want nil", err)
		}
	}
}
