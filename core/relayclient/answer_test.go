package relayclient

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/backoff"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

func TestReplyReachesTheProcessThatAsked(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := newID(t, "@alice")
	asker := startPeer(t, testConfig(t, r.addr, alice))
	other := startPeer(t, testConfig(t, r.addr, alice)) // the same identity, another process
	bob := startPeer(t, testConfig(t, r.addr, newID(t, "@bob")))
	for _, p := range []*peer{asker, other, bob} {
		p.ready(t)
	}
	go answer(bob)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for i := range 20 {
		if _, err := asker.Request(ctx, "@bob", message(t, "q")); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	select {
	case in := <-other.Messages():
		t.Fatalf("the other process of @alice got %s from %s; want the answers to reach the asker only", in.Msg.Type, in.From)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestBusyPeerIsAskedAgain(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	cfg := testConfig(t, r.addr, newID(t, "@bob"))
	cfg.Inbox = 1
	bob := startPeer(t, cfg)
	alice.ready(t)
	bob.ready(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	const n = 5
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := alice.Request(ctx, "@bob", message(t, "q"))
			errs <- err
		}()
	}
	// Bob reads nothing until he has turned requests away as busy.
	waitFor(t, "bob to answer busy", func() bool { return strings.Contains(bob.log.String(), "answered busy") })
	go answer(bob)
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("request: %v", err)
		}
	}
}

func TestKeyChangedIsToldAtOnce(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	bobID := newID(t, "@bob")
	bob := startPeer(t, testConfig(t, r.addr, bobID))
	bob.ready(t)
	cfg := testConfig(t, r.addr, newID(t, "@alice"))
	stale := newID(t, "@bob").Public() // the key bob had before he was re-created
	pins := identity.KnownFile(cfg.Home)
	if err := os.WriteFile(pins, []byte("@bob "+stale.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	alice := startPeer(t, cfg)
	alice.ready(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	start := time.Now()
	_, err := alice.Request(ctx, "@bob", message(t, "q"))
	if !errors.Is(err, identity.ErrKeyChanged) || !strings.Contains(err.Error(), "remove line 1 of "+pins) ||
		!strings.Contains(err.Error(), bobID.Public().Fingerprint()) {
		t.Fatalf("got %v, want a changed key naming the new key and the line to remove", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("told after %v, want within a second", took)
	}
}

func TestAcceptDropsStrangersUnopened(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	cfg := testConfig(t, r.addr, newID(t, "@dev"))
	cfg.Accept = func(from identity.Name) bool { return from == "@alice" }
	dev := startPeer(t, cfg)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	eve := startPeer(t, testConfig(t, r.addr, newID(t, "@eve")))
	for _, p := range []*peer{dev, alice, eve} {
		p.ready(t)
	}
	eve.send(t, "@dev", message(t, "let me in"))
	alice.send(t, "@dev", message(t, "hello"))
	if in := dev.next(t); in.From != "@alice" {
		t.Fatalf("got a message from %s first, want only alice's", in.From)
	}
	if pins, _ := os.ReadFile(identity.KnownFile(cfg.Home)); strings.Contains(string(pins), "@eve") {
		t.Errorf("the stranger's key was pinned:\n%s", pins)
	}
}

func TestStateRefusesReplayAfterRestart(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	devID, aliceID := newID(t, "@dev"), newID(t, "@alice")
	cfg := testConfig(t, r.addr, devID)
	cfg.StateFile = filepath.Join(cfg.Home, "state", "dev.db")
	dev := startPeer(t, cfg)
	dev.ready(t)
	raw := dialRaw(t, r, aliceID)
	captured := sealedPing(t, aliceID, devID.Public())
	raw.send(t, "@dev", captured)
	if in := dev.next(t); in.From != "@alice" {
		t.Fatalf("got a message from %s, want alice's", in.From)
	}
	dev.cancel()
	<-dev.Done()

	again := startPeer(t, cfg) // the same home and state: a restart
	again.ready(t)
	raw.send(t, "@dev", captured)
	fresh := sealedPing(t, aliceID, devID.Public())
	raw.send(t, "@dev", fresh)
	in := again.next(t)
	if want, _ := seal.Open(devID.Key, aliceID.Public(), fresh); in.Msg.ID != want.ID {
		t.Fatalf("after the restart the first message delivered is %x, want the fresh one: the replay got through", in.Msg.ID)
	}
	if !strings.Contains(again.log.String(), "before a restart") {
		t.Errorf("want the replay logged as dropped; log:\n%s", again.log)
	}
}

// rawConn is a bare relay connection, for envelopes built by the test.
type rawConn struct{ c *relayconn.Conn }

func dialRaw(t testing.TB, r *realRelay, id identity.Identity) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{Identity: id, CheckRelayKey: func(identity.PublicKey) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			if _, err := c.Next(); err != nil {
				return
			}
		}
	})
	t.Cleanup(func() { c.Close(); wg.Wait() })
	return &rawConn{c}
}

func (r *rawConn) send(t testing.TB, to identity.Name, sealed []byte) {
	t.Helper()
	if err := r.c.Send(0, to, 0, identity.PublicKey{}, sealed); err != nil {
		t.Fatal(err)
	}
}

func sealedPing(t testing.TB, from identity.Identity, to identity.PublicKey) []byte {
	t.Helper()
	m, err := seal.NewMessage(wire.MsgPing, session.NewID(), wire.PingBody{})
	if err != nil {
		t.Fatal(err)
	}
	return seal.Seal(from.Key, to, m)
}

func TestRelayFoundSoonAfterALongCut(t *testing.T) {
	home := t.TempDir()
	r := startRelay(t, home, "127.0.0.1:0", nil)
	cfg := testConfig(t, r.addr, newID(t, "@dev"))
	cfg.Backoff = backoff.Policy{} // the defaults: up to 30 s between attempts
	dev := startPeer(t, cfg)
	dev.ready(t)
	addr := r.addr
	r.stop(t)
	dev.disconnected(t)
	// Without a cap for an unreachable relay the fourth delay would be
	// 4 to 8 s.
	waitFor(t, "three failed attempts", func() bool { return strings.Count(dev.log.String(), "cannot connect to the relay") >= 3 })
	startRelay(t, home, addr, nil)
	start := time.Now()
	dev.connected(t)
	if took := time.Since(start); took > DialRetryMax+500*time.Millisecond {
		t.Errorf("reconnected %v after the relay was back, want within %v", took, DialRetryMax)
	}
}
