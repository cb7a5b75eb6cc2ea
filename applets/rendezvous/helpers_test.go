package rendezvous

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/wire"
)

// wait bounds every wait of these tests.
const wait = 10 * time.Second

// testLogger sends logs to t.Log when -v asks for them; it stops when the
// test ends, as a late line would panic.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return logging.Discard()
	}
	w := &tWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	l, _ := logging.New(w, logging.Options{Format: logging.FormatText, Level: "debug"})
	return l
}

type tWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (w *tWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(string(bytes.TrimRight(p, "\n")))
	}
	return len(p), nil
}

// startRelay runs a relay in-process on 127.0.0.1:0 until the test ends
// and returns its address.
func startRelay(t testing.TB) string {
	t.Helper()
	return startRelayWith(t, nil)
}

// startRelayWith is startRelay with the settings changed by edit.
func startRelayWith(t testing.TB, edit func(*relay.Config)) string {
	t.Helper()
	cfg := relay.Defaults()
	cfg.Listen, cfg.Home, cfg.Logger = "127.0.0.1:0", t.TempDir(), testLogger(t)
	if edit != nil {
		edit(&cfg)
	}
	ready := make(chan string, 1)
	cfg.Ready = func(addr net.Addr, _ identity.PublicKey) { ready <- addr.String() }
	runInBackground(t, "relay", func(ctx context.Context) error { return relay.Run(ctx, cfg) })
	select {
	case addr := <-ready:
		return addr
	case <-time.After(wait):
		t.Fatalf("relay not ready within %v", wait)
	}
	return ""
}

// startRendezvous runs Run with cfg, completed for a test, until the test
// ends or stop is called, and returns where it is once ready.
func startRendezvous(t testing.TB, relayAddr string, edit func(*Config)) (r Ready, stop func()) {
	t.Helper()
	cfg := Defaults()
	cfg.Atsign, cfg.Listen, cfg.Relay = "@rv", "127.0.0.1:0", relayAddr
	cfg.Home, cfg.Logger = t.TempDir(), testLogger(t)
	if edit != nil {
		edit(&cfg)
	}
	ready := make(chan Ready, 1)
	cfg.Ready = func(r Ready) { ready <- r }
	stop, done := runInBackground(t, "rendezvous", func(ctx context.Context) error { return Run(ctx, cfg) })
	select {
	case r = <-ready:
		return r, stop
	case <-done:
		t.Fatal("rendezvous stopped before it was ready")
	case <-time.After(wait):
		t.Fatalf("rendezvous not ready within %v", wait)
	}
	return Ready{}, stop
}

// runInBackground runs f until the test ends, then cancels it and checks
// it returns in time, with nil or the cancellation. The stop function it
// returns does the same sooner; done is closed once f has returned.
func runInBackground(t testing.TB, what string, f func(context.Context) error) (stop func(), done <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	var err error
	go func() {
		err = f(ctx)
		close(ended)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-ended:
				if err != nil && !errors.Is(err, context.Canceled) {
					t.Errorf("%s: got %v, want nil after cancel", what, err)
				}
			case <-time.After(wait):
				t.Errorf("%s still running %v after cancel", what, wait)
			}
		})
	}
	t.Cleanup(stop)
	return stop, ended
}

// connect runs a relay client for a new identity named name until the
// test ends.
func connect(t testing.TB, relayAddr string, name identity.Name) *relayclient.Client {
	t.Helper()
	key, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c, err := relayclient.New(relayclient.Config{
		Settings: relayclient.Settings{Relay: relayAddr},
		Identity: identity.Identity{Name: name, Key: key},
		Home:     t.TempDir(),
		Logger:   testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	runInBackground(t, string(name), c.Run)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// silentRefusal connects to a rendezvous, sends nothing, and returns the
// refusal it is sent before the socket closes.
func silentRefusal(t testing.TB, addr string) wire.Refusal {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return nettest.MustRefusal(t, c, wait)
}
