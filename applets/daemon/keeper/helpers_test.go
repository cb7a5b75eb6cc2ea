package keeper

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// running is a keeper served in the test's process.
type running struct {
	link   Link
	cancel context.CancelFunc
	done   chan error
}

// startKeeper serves a keeper on a socket in a fresh directory, with the
// given linger, until the test ends.
func startKeeper(t *testing.T, linger time.Duration) *running {
	t.Helper()
	dir, err := os.MkdirTemp("", "keeper")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "k.sock")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	r := &running{link: Link{Path: path}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		r.done <- Serve(ctx, Config{Socket: path, Dial: dialTCP, Logger: logging.Discard(), Linger: linger, Ready: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-r.done:
		t.Fatalf("the keeper did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// dialTCP is the keeper's dialer in these tests: TCP to the target.
func dialTCP(ctx context.Context, h *Handoff, _ *slog.Logger) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", h.Target)
}

// exited waits for the keeper to return from Serve.
func (r *running) exited(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
		r.done <- err // for the cleanup
	case <-time.After(within):
		t.Fatalf("the keeper still runs after %v", within)
	}
	if _, err := os.Stat(r.link.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the keeper left its socket behind (%v)", err)
	}
}

// handoffTo is a valid hand-off whose rendezvous is addr.
func handoffTo(t *testing.T, addr string) *Handoff {
	t.Helper()
	peer, err := identity.GenerateEphemeral()
	if err != nil {
		t.Fatal(err)
	}
	return &Handoff{Session: session.NewID(), Manager: "@alice", Rendezvous: addr, Token: session.NewToken(),
		Peer: peer.Public(), Cipher: record.ChaCha20Poly1305, Protocol: wire.ProtocolTCP, Target: "127.0.0.1:1"}
}

// rendezvous is a listener that accepts the keeper's join and holds it
// without ever pairing, so that a session stays live until the test
// closes the connection.
func rendezvous(t *testing.T) (addr string, joined <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c
		}
	}()
	return ln.Addr().String(), ch
}

// await returns the next connection that joined.
func await(t *testing.T, joined <-chan net.Conn) net.Conn {
	t.Helper()
	select {
	case c := <-joined:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the keeper did not join the rendezvous")
		return nil
	}
}
