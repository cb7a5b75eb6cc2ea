package tunnel

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
)

// waitLimit bounds every wait in these tests: long enough for a loaded
// machine under -race, short enough that a hang fails rather than stalls.
const waitLimit = 20 * time.Second

var (
	// tcpPair returns the two ends of a loopback TCP connection, closed
	// when the test ends.
	tcpPair = nettest.TCPPair
	// loopback is tcpPair for a benchmark loop that closes each pair
	// itself; the cleanup closing it again is harmless.
	loopback = nettest.TCPPair
)

// testLogger sends a tunnel's logs to t.Logf.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s", bytes.TrimRight(p, "\n"))
	return len(p), nil
}

// pair is a client and a daemon tunnel joined by a socket pair.
type pair struct {
	client, daemon *Tunnel
}

// newPair starts the two ends of a tunnel over cc (the client's socket)
// and dc (the daemon's). Both are closed when the test ends.
func newPair(t testing.TB, cc, dc net.Conn, copts, dopts Options) pair {
	t.Helper()
	ck, err := identity.GenerateEphemeral()
	if err != nil {
		t.Fatalf("GenerateEphemeral: %v", err)
	}
	dk, err := identity.GenerateEphemeral()
	if err != nil {
		t.Fatalf("GenerateEphemeral: %v", err)
	}
	id := session.NewID()
	client, err := New(cc, record.Client, ck, dk.Public(), id, copts)
	if err != nil {
		t.Fatalf("New(client): %v", err)
	}
	daemon, err := New(dc, record.Daemon, dk, ck.Public(), id, dopts)
	if err != nil {
		t.Fatalf("New(daemon): %v", err)
	}
	t.Cleanup(func() { client.Close(); daemon.Close() })
	return pair{client: client, daemon: daemon}
}

// running is a tunnel pair whose client serves a local listener and whose
// daemon dials a target.
type running struct {
	pair
	addr      string     // the client's local listener
	clientErr chan error // ServeListener's result
	daemonErr chan error // ServeTargets' result
}

// serve starts ServeListener on a fresh loopback listener and
// ServeTargets with dial.
func (p pair) serve(t testing.TB, dial func(context.Context) (net.Conn, error)) running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	r := running{pair: p, addr: ln.Addr().String(), clientErr: make(chan error, 1), daemonErr: make(chan error, 1)}
	go func() { r.clientErr <- p.client.ServeListener(context.Background(), ln) }()
	go func() { r.daemonErr <- p.daemon.ServeTargets(context.Background(), dial) }()
	return r
}

// result waits for a Serve method's result.
func result(t testing.TB, name string, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(waitLimit):
		t.Fatalf("%s did not return within %s", name, waitLimit)
		return nil
	}
}

// waitDone waits for a tunnel to end.
func waitDone(t testing.TB, name string, tun *Tunnel) {
	t.Helper()
	select {
	case <-tun.Done():
	case <-time.After(waitLimit):
		t.Fatalf("%s tunnel did not end within %s", name, waitLimit)
	}
}

// target is a TCP server that records what each connection sent it.
type target struct {
	ln       net.Listener
	mu       sync.Mutex
	received []*bytes.Buffer
	wg       sync.WaitGroup
}

// startTarget serves each connection with handle, recording its input
// through the reader handle gets. It stops when the test ends.
func startTarget(t testing.TB, handle func(c net.Conn, in io.Reader)) *target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	tg := &target{ln: ln}
	tg.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := tg.newBuffer()
			tg.wg.Go(func() {
				defer c.Close()
				handle(c, io.TeeReader(c, lockedWriter{&tg.mu, buf}))
			})
		}
	})
	t.Cleanup(func() { ln.Close(); tg.wg.Wait() })
	return tg
}

func (tg *target) newBuffer() *bytes.Buffer {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	b := new(bytes.Buffer)
	tg.received = append(tg.received, b)
	return b
}

// inputs returns a copy of what each connection has sent so far.
func (tg *target) inputs() [][]byte {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	out := make([][]byte, len(tg.received))
	for i, b := range tg.received {
		out[i] = bytes.Clone(b.Bytes())
	}
	return out
}

// dial dials the target.
func (tg *target) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", tg.ln.Addr().String())
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// echo sends back what it reads, then ends its direction.
func echo(c net.Conn, in io.Reader) {
	io.Copy(c, in)
	c.(*net.TCPConn).CloseWrite()
}

// randomBytes returns n random bytes.
func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// exchange writes data to c while reading, ends its direction, and
// returns everything c sent back until EOF or an error.
func exchange(c net.Conn, data []byte) ([]byte, error) {
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		werr <- err
	}()
	got, rerr := io.ReadAll(c)
	return got, errors.Join(rerr, <-werr)
}

// isPrefix reports whether got is a prefix of one of sent.
func isPrefix(got []byte, sent [][]byte) bool {
	for _, s := range sent {
		if bytes.HasPrefix(s, got) {
			return true
		}
	}
	return false
}

// mentions reports whether err's text contains s, for error messages that
// must say what to do.
func mentions(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

// waitOrFail waits for ch to close.
func waitOrFail(t testing.TB, what string, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitLimit):
		t.Fatalf("waited %s for %s", waitLimit, what)
	}
}
