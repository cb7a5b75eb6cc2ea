package relayclient

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/backoff"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// testTimeout bounds every wait of these tests; nothing sleeps for
// readiness.
const testTimeout = 20 * time.Second

func newID(t testing.TB, name string) identity.Identity {
	t.Helper()
	key, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return identity.Identity{Name: identity.Name(name), Key: key}
}

func newKey(t testing.TB) identity.PrivateKey { return newID(t, "@x").Key }

// logBuffer collects log lines from concurrent goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// peer is a running Client of a test.
type peer struct {
	*Client
	id     identity.Identity
	home   string
	log    *logBuffer
	cancel context.CancelFunc
	err    chan error // Run's result
}

// testConfig is a Config with fast retries, for addr.
func testConfig(t testing.TB, addr string, id identity.Identity) Config {
	return Config{
		Settings: Settings{Relay: addr, Proxy: "none"},
		Identity: id,
		Home:     t.TempDir(),
		Backoff:  backoff.Policy{Base: 20 * time.Millisecond, Max: 100 * time.Millisecond},
	}
}

// startPeer runs a Client with cfg until the end of the test.
func startPeer(t testing.TB, cfg Config) *peer {
	t.Helper()
	lb := &logBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &peer{Client: c, id: cfg.Identity, home: cfg.Home, log: lb, cancel: cancel, err: make(chan error, 1)}
	go func() { p.err <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-c.Done()
		if t.Failed() {
			t.Logf("log of %s:\n%s", cfg.Identity.Name, lb)
		}
	})
	return p
}

// ready waits for the peer's first connection.
func (p *peer) ready(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := p.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
}

// runErr waits for Run to return and gives its error.
func (p *peer) runErr(t testing.TB) error {
	t.Helper()
	select {
	case err := <-p.err:
		p.err <- err
		return err
	case <-time.After(testTimeout):
		t.Fatal("Run did not return")
		return nil
	}
}

// message returns a new message of type ping with body text and a new
// session.
func message(t testing.TB, text string) wire.Message {
	t.Helper()
	m, err := seal.NewMessage(wire.MsgPing, session.NewID(), wire.PingBody{Device: text})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// next waits for the next message on p's Messages.
func (p *peer) next(t testing.TB) Incoming {
	t.Helper()
	select {
	case in, ok := <-p.Messages():
		if !ok {
			t.Fatal("Messages closed")
		}
		return in
	case <-time.After(testTimeout):
		t.Fatalf("%s received nothing", p.id.Name)
		return Incoming{}
	}
}

// send sends m from p to, within the test timeout.
func (p *peer) send(t testing.TB, to identity.Name, m wire.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := p.Send(ctx, to, m); err != nil {
		t.Fatal(err)
	}
}

// body returns the device field of a ping body.
func body(t testing.TB, m wire.Message) string {
	t.Helper()
	var b wire.PingBody
	if err := wire.DecodeBody(m, &b); err != nil {
		t.Fatal(err)
	}
	return b.Device
}
