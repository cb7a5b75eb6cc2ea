package relayclient

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
)

// waitFor polls cond until it holds, within the test timeout.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestHeldWhileDisconnected checks the outbound queue: what is sent while
// the relay is away goes out after the reconnection, in order, except
// what got too old meanwhile; a full queue refuses more. Alice writes to
// herself so that nobody else's reconnection matters.
func TestHeldWhileDisconnected(t *testing.T) {
	relayKey := newKey(t)
	relay := startFakeRelay(t, relayKey, "127.0.0.1:0")
	cfg := testConfig(t, relay.addr, newID(t, "@alice"))
	cfg.QueueLimit = 3
	cfg.QueueTTL = time.Minute
	alice := startPeer(t, cfg)
	alice.ready(t)
	relay.Close()
	waitFor(t, "the client to notice the relay is gone", func() bool { return alice.current() == nil })

	stale := message(t, "stale")
	stale.Time = time.Now().Add(-2 * time.Minute).UnixMilli()
	for _, m := range []string{"one", "two"} {
		alice.send(t, "@alice", message(t, m))
	}
	alice.send(t, "@alice", stale)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := alice.Send(ctx, "@alice", message(t, "three")); err != nil {
		t.Fatalf("got %v, want the stale message to make room", err)
	}
	if err := alice.Send(ctx, "@alice", message(t, "four")); !errors.Is(err, ErrQueueFull) || !strings.Contains(err.Error(), "try again once connected") {
		t.Fatalf("got %v, want ErrQueueFull", err)
	}

	startFakeRelay(t, relayKey, relay.addr)
	for _, want := range []string{"one", "two", "three"} {
		if got := body(t, alice.next(t).Msg); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if !strings.Contains(alice.log.String(), "held too long") {
		t.Errorf("got no log of the stale message dropped; log:\n%s", alice.log)
	}
}

// TestSenderKeyChanged checks that a message whose sender's key is not
// the one pinned is dropped with a warning, and the connection serves on.
func TestSenderKeyChanged(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	cfg := testConfig(t, relay.addr, newID(t, "@alice"))
	known, err := identity.OpenKnown(identity.KnownFile(cfg.Home))
	if err != nil {
		t.Fatal(err)
	}
	if err := known.Pin("@bob", newKey(t).Public()); err != nil {
		t.Fatal(err)
	}
	alice := startPeer(t, cfg)
	bob := startPeer(t, testConfig(t, relay.addr, newID(t, "@bob")))
	carol := startPeer(t, testConfig(t, relay.addr, newID(t, "@carol")))
	for _, p := range []*peer{alice, bob, carol} {
		p.ready(t)
	}
	// Bob's Send seals to the key the relay gives him; alice refuses it.
	bob.send(t, "@alice", message(t, "from an impostor?"))
	carol.send(t, "@alice", message(t, "from carol"))
	if in := alice.next(t); in.From != "@carol" {
		t.Fatalf("got a message from %s, want only carol's", in.From)
	}
	waitFor(t, "the warning", func() bool { return strings.Contains(alice.log.String(), "level=WARN") })
	if log := alice.log.String(); !strings.Contains(log, "not the one pinned") || !strings.Contains(log, "key for @bob changed") {
		t.Errorf("got log\n%s\nwant a warning about @bob's key", log)
	}
	data, _ := os.ReadFile(identity.KnownFile(cfg.Home))
	if strings.Contains(string(data), bob.id.Public().String()) {
		t.Errorf("got bob's new key pinned:\n%s", data)
	}
}

func TestWaitReadyTimeout(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	relay.Close() // nothing listens there now
	p := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	waitFor(t, "a failed attempt", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.lastErr != nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := p.WaitReady(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "last attempt: dial "+relay.addr) {
		t.Fatalf("got %v, want a deadline error with the last dial error", err)
	}
}
