package pairing

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// wait bounds every wait of these tests: long enough for a loaded CI
// machine, short enough that a hang fails fast.
const wait = 5 * time.Second

// logSink sends the server's log to t.Log and keeps it for assertions.
// It stops forwarding when the test ends, as a late line would panic.
type logSink struct {
	t    testing.TB
	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
}

func newLogSink(t testing.TB) *logSink {
	s := &logSink{t: t}
	t.Cleanup(func() {
		s.mu.Lock()
		s.done = true
		s.mu.Unlock()
	})
	return s
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	if !s.done {
		s.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// fixture is a Server serving on a loopback port.
type fixture struct {
	t    testing.TB
	srv  *Server
	addr string
	log  *logSink
	stop func() // stops Serve and waits for it
}

// startServer runs a Server with cfg on 127.0.0.1:0 until the test ends.
func startServer(t testing.TB, cfg Config) *fixture {
	t.Helper()
	sink := newLogSink(t)
	cfg.Logger = slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, bench := t.(*testing.B); bench {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	checkLeaks := nettest.CheckGoroutines(t, wait)
	srv := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("got Serve error %v, want nil after cancel", err)
				}
			case <-time.After(wait):
				t.Errorf("Serve still running %v after cancel", wait)
			}
			checkLeaks()
		})
	}
	t.Cleanup(stop)
	return &fixture{t: t, srv: srv, addr: ln.Addr().String(), log: sink, stop: stop}
}

// eventually waits until cond holds, failing the test after wait.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("got no %s within %v", what, wait)
		}
		time.Sleep(time.Millisecond)
	}
}

// open opens a new session for owner and fails the test on error.
func (f *fixture) open(owner identity.Name) (session.ID, Grant) {
	f.t.Helper()
	id := session.NewID()
	g, err := f.srv.Open(id, owner)
	if err != nil {
		f.t.Fatalf("open: %v", err)
	}
	return id, g
}

// dial connects to the server; the connection is closed when t ends.
func (f *fixture) dial(t testing.TB) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", f.addr, wait)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

// join dials and sends the hello for id and tok.
func (f *fixture) join(t testing.TB, id session.ID, tok session.Token) *net.TCPConn {
	t.Helper()
	c := f.dial(t)
	if _, err := c.Write(helloFrame(id, tok)); err != nil {
		t.Fatalf("write hello: %v", err)
	}
	return c
}

// helloFrame is a whole RendezvousHello frame.
func helloFrame(id session.ID, tok session.Token) []byte {
	b, err := wire.AppendPayload(nil, wire.RendezvousHello{Session: id, Token: tok.Raw()})
	if err != nil {
		panic(err)
	}
	return b
}

// readPaired reads the RendezvousPaired frame and returns its role.
func readPaired(t testing.TB, c net.Conn) wire.Role {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	var buf [16]byte
	typ, payload, err := wire.ReadFrame(c, buf[:])
	if err != nil {
		t.Fatalf("read paired: %v", err)
	}
	if typ != wire.FrameRendezvousPaired {
		r, _ := wire.ParseRefuse(payload)
		t.Fatalf("got %s frame (%v), want rendezvous-paired", typ, r)
	}
	p, err := wire.ParseRendezvousPaired(payload)
	if err != nil {
		t.Fatalf("parse paired: %v", err)
	}
	return p.Role
}

// readRefusal reads what the server sends before it closes c: a Refuse
// frame, then the end of the stream; ok is false if it said nothing.
func readRefusal(t testing.TB, c net.Conn) (r wire.Refusal, ok bool) {
	t.Helper()
	return nettest.ReadRefusal(t, c, wait)
}

// exchange sends msg from a to b and checks it arrives whole.
func exchange(t testing.TB, a, b net.Conn, msg string) {
	t.Helper()
	if _, err := a.Write([]byte(msg)); err != nil {
		t.Fatalf("write %q: %v", msg, err)
	}
	_ = b.SetReadDeadline(time.Now().Add(wait))
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(b, got); err != nil {
		t.Fatalf("read %q: %v", msg, err)
	}
	if string(got) != msg {
		t.Fatalf("got %q, want %q", got, msg)
	}
}

// expectEOF checks that c reads a clean end of stream.
func expectEOF(t testing.TB, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	var one [1]byte
	if n, err := c.Read(one[:]); n != 0 || err != io.EOF {
		t.Fatalf("got %d bytes, %v, want EOF", n, err)
	}
}

// spliceOS reports whether the bridge splices TCP on this platform.
var spliceOS = runtime.GOOS == "linux" || runtime.GOOS == "android"

// state returns where session id is, stateGone if it is not held.
func (s *Server) state(id session.ID) state {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.sessions[id]; e != nil {
		return e.state
	}
	return stateGone
}
