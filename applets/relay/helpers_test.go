package relay

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// testRelay is a relay running in-process on 127.0.0.1:0.
type testRelay struct {
	addr string
	key  identity.PublicKey
	home string
	stop context.CancelFunc
	done chan error
	once sync.Once
}

// startRelay runs a relay with the defaults changed by edit, and stops
// it when the test ends.
func startRelay(t testing.TB, edit func(*Config)) *testRelay {
	t.Helper()
	cfg := Defaults()
	cfg.Listen = "127.0.0.1:0"
	cfg.Home = t.TempDir()
	cfg.Logger = testLogger(t)
	if edit != nil {
		edit(&cfg)
	}
	ready := make(chan *testRelay, 1)
	cfg.Ready = func(addr net.Addr, key identity.PublicKey) {
		ready <- &testRelay{addr: addr.String(), key: key, home: cfg.Home}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	select {
	case r := <-ready:
		r.stop, r.done = cancel, done
		t.Cleanup(func() { r.shutdown(t) })
		return r
	case err := <-done:
		cancel()
		t.Fatalf("relay did not start: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("relay not ready within 10s")
	}
	return nil
}

// shutdown stops the relay and waits for Run to return.
func (r *testRelay) shutdown(t testing.TB) {
	t.Helper()
	r.once.Do(func() { r.wait(t) })
}

func (r *testRelay) wait(t testing.TB) {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		buf := make([]byte, 1<<20)
		t.Errorf("Run did not return within 10s of cancellation:\n%s", buf[:runtime.Stack(buf, true)])
	}
}

func testLogger(t testing.TB) *slog.Logger {
	if _, bench := t.(*testing.B); testing.Verbose() && !bench {
		l, _ := logging.New(tWriter{t}, logging.Options{Format: logging.FormatText, Level: "debug"})
		return l
	}
	return logging.Discard()
}

// tWriter sends log lines to t.Log.
type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

func newID(t testing.TB, name string) identity.Identity {
	t.Helper()
	key, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return identity.Identity{Name: identity.Name(name), Key: key}
}

// dial connects id to the relay, pinning the relay's key.
func (r *testRelay) dial(t testing.TB, id identity.Identity) (*relayconn.Conn, error) {
	t.Helper()
	return r.dialFlags(t, id, 0)
}

// dialFlags is dial with hello flags.
func (r *testRelay) dialFlags(t testing.TB, id identity.Identity, flags wire.HelloFlags) (*relayconn.Conn, error) {
	t.Helper()
	nc, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	return relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{
		Identity: id,
		Flags:    flags,
		CheckRelayKey: func(k identity.PublicKey) error {
			if !k.Equal(r.key) {
				return errors.New("not the relay's key")
			}
			return nil
		},
	})
}

// connect is dial that fails the test on error and closes at its end.
func (r *testRelay) connect(t testing.TB, id identity.Identity) *client {
	t.Helper()
	return r.connectFlags(t, id, 0)
}

// connectFlags is connect with hello flags.
func (r *testRelay) connectFlags(t testing.TB, id identity.Identity, flags wire.HelloFlags) *client {
	t.Helper()
	c, err := r.dialFlags(t, id, flags)
	if err != nil {
		t.Fatalf("%s: connect: %v", id.Name, err)
	}
	cl := newClient(c)
	t.Cleanup(cl.close)
	return cl
}

// client reads a relayconn.Conn in the background, so that keepalives
// are answered and tests wait on channels.
type client struct {
	c      *relayconn.Conn
	frames chan any
	err    chan error
	wg     sync.WaitGroup
}

func newClient(c *relayconn.Conn) *client {
	cl := &client{c: c, frames: make(chan any, 1024), err: make(chan error, 1)}
	cl.wg.Go(func() {
		for {
			v, err := c.Next()
			if err != nil {
				cl.err <- err
				close(cl.frames)
				return
			}
			if r, ok := v.(wire.Recv); ok {
				r.Sealed = bytes.Clone(r.Sealed) // valid until the next Next only
				v = r
			}
			cl.frames <- v
		}
	})
	return cl
}

func (cl *client) close() {
	cl.c.Close()
	cl.wg.Wait()
}

// next waits for the next frame.
func (cl *client) next(t testing.TB) any {
	t.Helper()
	select {
	case v, ok := <-cl.frames:
		if !ok {
			t.Fatalf("%s: connection ended: %v", cl.c.Name(), <-cl.err)
		}
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no frame within 10s", cl.c.Name())
	}
	return nil
}

// recv waits for the next Recv frame, skipping others.
func (cl *client) recv(t testing.TB) wire.Recv {
	t.Helper()
	for {
		if r, ok := cl.next(t).(wire.Recv); ok {
			return r
		}
	}
}

// status waits for the SendStatus of sendID.
func (cl *client) status(t testing.TB, sendID uint32) wire.SendResult {
	t.Helper()
	for {
		if s, ok := cl.next(t).(wire.SendStatus); ok && s.SendID == sendID {
			return s.Status
		}
	}
}

// quiet reports whether no frame arrives within d.
func (cl *client) quiet(d time.Duration) bool {
	select {
	case v, ok := <-cl.frames:
		return !ok && v == nil
	case <-time.After(d):
		return true
	}
}

// sealed is a stand-in envelope: the relay never opens one.
func sealed(tag byte, n int) []byte { return bytes.Repeat([]byte{tag}, n) }

func dialTCP(t testing.TB, addr string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

func relayconnHandshake(nc net.Conn, id identity.Identity, check func(identity.PublicKey) error) (*relayconn.Conn, error) {
	return relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{Identity: id, CheckRelayKey: check})
}
