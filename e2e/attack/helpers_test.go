//go:build linux

package attack

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// waitLimit bounds every wait of these tests for something that takes
// milliseconds.
const waitLimit = 10 * time.Second

// server is a loopback listener that hands each socket to its handler,
// and tells the test of each socket it accepts and each that ends.
type server struct {
	addr     string
	accepted chan net.Addr // the remote address of each socket accepted
	ended    chan struct{} // one per socket whose handler returned
	quit     chan struct{} // closed when the test ends
}

// serve starts a server whose handler is handle; it is stopped, with
// every socket it holds, when the test ends.
func serve(t *testing.T, handle func(s *server, c net.Conn)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{addr: ln.Addr().String(), accepted: make(chan net.Addr, 1<<12), ended: make(chan struct{}, 1<<12), quit: make(chan struct{})}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			s.accepted <- c.RemoteAddr()
			wg.Go(func() {
				defer func() { s.ended <- struct{}{} }()
				defer c.Close()
				handle(s, c)
			})
		}
	})
	t.Cleanup(func() {
		close(s.quit)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return s
}

// waitAccepted returns the remote addresses of the next n sockets.
func (s *server) waitAccepted(t *testing.T, n int) []net.Addr {
	t.Helper()
	var got []net.Addr
	for range n {
		select {
		case a := <-s.accepted:
			got = append(got, a)
		case <-time.After(waitLimit):
			t.Fatalf("the server accepted %d sockets within %v, want %d", len(got), waitLimit, n)
		}
	}
	return got
}

// waitEnded waits until n sockets have ended.
func (s *server) waitEnded(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-s.ended:
		case <-time.After(waitLimit):
			t.Fatalf("%d of %d sockets ended within %v: the attacker left the others open", i, n, waitLimit)
		}
	}
}

// drain reads until the peer closes its socket.
func drain(_ *server, c net.Conn) { io.Copy(io.Discard, c) }

// refuseWith answers every socket with a Refuse frame of code, after its
// first frame if readFirst, then reads until the peer closes.
func refuseWith(code wire.RefuseCode, readFirst bool) func(*server, net.Conn) {
	return func(s *server, c net.Conn) {
		if readFirst {
			wire.ReadFrame(c, make([]byte, 64))
		}
		c.Write(frame(wire.Refusal{Code: code, Message: "refused by the test"}))
		drain(s, c)
	}
}

// startRelay runs a relay in-process with its defaults on 127.0.0.1, until
// the test ends, and returns its address and key.
func startRelay(t *testing.T) (string, identity.PublicKey) {
	t.Helper()
	cfg := relay.Defaults()
	cfg.Listen, cfg.Home = "127.0.0.1:0", t.TempDir()
	type where struct {
		addr string
		key  identity.PublicKey
	}
	ready := make(chan where, 1)
	cfg.Ready = func(addr net.Addr, key identity.PublicKey) { ready <- where{addr.String(), key} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- relay.Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay: %v", err)
		}
	})
	select {
	case w := <-ready:
		return w.addr, w.key
	case err := <-done:
		t.Fatalf("the relay did not start: %v", err)
	case <-time.After(waitLimit):
		t.Fatalf("the relay was not ready within %v", waitLimit)
	}
	return "", identity.PublicKey{}
}

// runAsync runs a in the background and returns its counters' channel.
func runAsync(ctx context.Context, a Attacker) <-chan Counters {
	done := make(chan Counters, 1)
	go func() { done <- a.Run(ctx) }()
	return done
}

// result waits for an attacker's counters.
func result(t *testing.T, done <-chan Counters) Counters {
	t.Helper()
	select {
	case c := <-done:
		return c
	case <-time.After(waitLimit):
		t.Fatalf("the attacker did not return within %v", waitLimit)
		return Counters{}
	}
}
