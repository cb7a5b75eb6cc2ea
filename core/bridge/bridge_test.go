package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bufferSizes are the sizes every data test runs with: the small-device
// size and the default.
var bufferSizes = []int{4 << 10, DefaultBufferSize}

// eachCase runs f for every transport and buffer size.
func eachCase(t *testing.T, keep func(transport) bool, f func(t *testing.T, tr transport, pool *Pool)) {
	for _, tr := range transports {
		if keep != nil && !keep(tr) {
			continue
		}
		for _, size := range bufferSizes {
			t.Run(fmt.Sprintf("%s/%dKiB", tr.name, size>>10), func(t *testing.T) {
				checkGoroutines(t)
				f(t, tr, mustPool(size))
			})
		}
	}
}

// eachTransport runs f for every transport with the default buffer size,
// for tests whose subject does not depend on the buffer.
func eachTransport(t *testing.T, f func(t *testing.T, tr transport, pool *Pool)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			checkGoroutines(t)
			f(t, tr, defaultPool)
		})
	}
}

func TestBridgeIntegrity(t *testing.T) {
	eachCase(t, nil, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		// Deadlines left from a handshake must not cut the session.
		_ = a.SetDeadline(time.Now())
		_ = b.SetDeadline(time.Now())
		done := runBridge(t, New(Config{Pool: pool, IdleTimeout: time.Minute}, a, b), context.Background())
		toB, toA := randomBytes(4<<20+7, 1), randomBytes(3<<20+5, 2)
		swap(t, endA, endB, toB, toA)
		closeAll(endA, endB)
		r := waitResult(t, done, 10*time.Second)
		if r.err != nil {
			t.Errorf("got error %v, want nil", r.err)
		}
		want := Stats{AToB: int64(len(toB)), BToA: int64(len(toA)), Spliced: tr.spliced}
		if r.stats != want {
			t.Errorf("got stats %+v, want %+v", r.stats, want)
		}
	})
}

func TestBridgeHalfClose(t *testing.T) {
	eachCase(t, func(tr transport) bool { return tr.halfClose }, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		done := runBridge(t, New(Config{Pool: pool}, a, b), context.Background())
		toB, toA := randomBytes(2<<20, 3), randomBytes(3<<20, 4)

		sendAndShut(t, endA, toB)
		got, err := io.ReadAll(endB)
		if err != nil || !bytes.Equal(got, toB) {
			t.Fatalf("got %d bytes, error %v at b's end, want %d bytes then EOF", len(got), err, len(toB))
		}
		select {
		case r := <-done:
			t.Fatalf("got bridge end (%v) after one direction closed, want the other still open", r.err)
		default:
		}

		sendAndShut(t, endB, toA)
		got, err = io.ReadAll(endA)
		if err != nil || !bytes.Equal(got, toA) {
			t.Fatalf("got %d bytes, error %v at a's end, want %d bytes then EOF", len(got), err, len(toA))
		}
		r := waitResult(t, done, 10*time.Second)
		if r.err != nil {
			t.Errorf("got error %v, want nil", r.err)
		}
		want := Stats{AToB: int64(len(toB)), BToA: int64(len(toA)), Spliced: tr.spliced}
		if r.stats != want {
			t.Errorf("got stats %+v, want %+v", r.stats, want)
		}
	})
}

// sendAndShut writes data to c and then shuts its write side, in the
// background; a failure fails the test. By the end of a passing test the
// peer has read to EOF, so the send is over; closing c first only frees a
// send left blocked by a test that failed early.
func sendAndShut(t *testing.T, c net.Conn, data []byte) {
	errc := make(chan error, 1)
	t.Cleanup(func() {
		_ = c.Close()
		if err := <-errc; err != nil && !t.Failed() {
			t.Errorf("got send error %v, want nil", err)
		}
	})
	go func() {
		if _, err := c.Write(data); err != nil {
			errc <- err
			return
		}
		errc <- c.(closeWriter).CloseWrite()
	}()
}

func TestBridgeContextCancel(t *testing.T) {
	eachTransport(t, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := runBridge(t, New(Config{Pool: pool}, a, b), ctx)
		cancel()
		r := waitResult(t, done, 10*time.Second)
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("got error %v, want context.Canceled", r.err)
		}
		assertClosed(t, endA, endB)
	})
}

// failingConn fails every read with errBoom.
type failingConn struct{ net.Conn }

var errBoom = errors.New("boom")

func (failingConn) Read([]byte) (int, error) { return 0, errBoom }

func TestBridgeCopyErrorClosesBoth(t *testing.T) {
	checkGoroutines(t)
	tests := []struct {
		name  string
		conns func(t *testing.T) (endA, a, b, endB net.Conn)
		want  error
	}{
		{"read error", func(t *testing.T) (net.Conn, net.Conn, net.Conn, net.Conn) {
			endA, a := net.Pipe()
			b, endB := net.Pipe()
			t.Cleanup(func() { closeAll(endA, a, b, endB) })
			return endA, failingConn{a}, b, endB
		}, errBoom},
		{"tcp reset", func(t *testing.T) (net.Conn, net.Conn, net.Conn, net.Conn) {
			endA, a := tcpPair(t)
			b, endB := tcpPair(t)
			_ = endA.SetLinger(0) // Close sends RST
			_ = endA.Close()
			return endA, a, b, endB
		}, syscall.ECONNRESET},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, a, b, endB := tt.conns(t)
			cfg := Config{AName: "client", BName: "target"}
			done := runBridge(t, New(cfg, a, b), context.Background())
			r := waitResult(t, done, 10*time.Second)
			if !errors.Is(r.err, tt.want) {
				t.Errorf("got error %v, want %v", r.err, tt.want)
			}
			if r.err == nil || !strings.Contains(r.err.Error(), "client→target") {
				t.Errorf("got error %v, want it to name client→target", r.err)
			}
			assertClosed(t, endB)
		})
	}
}

func TestBridgeRunsOnce(t *testing.T) {
	checkGoroutines(t)
	endA, a := net.Pipe()
	b, endB := net.Pipe()
	br := New(Config{}, a, b)
	closeAll(endA, endB)
	if _, err := br.Run(context.Background()); err != nil {
		t.Fatalf("got first Run error %v, want nil", err)
	}
	if _, err := br.Run(context.Background()); err == nil {
		t.Errorf("got second Run error nil, want an error")
	}
}

// assertClosed checks that each end sees its bridged side closed: a read
// ends with EOF or an error rather than blocking.
func assertClosed(t *testing.T, ends ...net.Conn) {
	t.Helper()
	for i, c := range ends {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(make([]byte, 1))
		if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("end %d: got read of %d bytes, error %v, want EOF or a closed error", i, n, err)
		}
	}
}
