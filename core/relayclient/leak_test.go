package relayclient

import (
	"context"
	"errors"
	"testing"

	"github.com/nport/nport/core/dialer/dialertest"
	"github.com/nport/nport/core/nettest"
)

// TestNoGoroutineLeft runs clients through every path, a proxy and a
// relay restart included, cancels them, and checks that the goroutine
// count comes back to where it was.
func TestNoGoroutineLeft(t *testing.T) {
	checkLeaks := nettest.CheckGoroutines(t, testTimeout)
	home := t.TempDir()
	r := startRelay(t, home, "127.0.0.1:0", nil)
	proxy := dialertest.StartProxy(t, dialertest.ProxyOptions{})
	aliceCfg := testConfig(t, r.addr, newID(t, "@alice"))
	aliceCfg.Proxy = proxy.URL
	alice, bob := startPeer(t, aliceCfg), startPeer(t, testConfig(t, r.addr, newID(t, "@bob")))
	alice.ready(t)
	bob.ready(t)
	exchange(t, alice, bob, "one")
	r.stop(t)
	alice.disconnected(t)
	r = startRelay(t, home, r.addr, nil)
	alice.connected(t)
	go answer(bob)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if _, err := alice.Request(ctx, "@bob", message(t, "two")); err != nil {
		t.Fatal(err)
	}
	// A request left waiting when everything stops: bob is gone first,
	// so nobody answers it.
	bob.cancel()
	<-bob.Done()
	pending := make(chan error, 1)
	unanswered := message(t, "never answered")
	go func() {
		_, err := alice.Request(context.Background(), "@bob", unanswered)
		pending <- err
	}()
	waitFor(t, "the request to wait", func() bool {
		alice.mu.Lock()
		defer alice.mu.Unlock()
		return len(alice.waits) == 1
	})
	alice.cancel()
	<-alice.Done()
	if err := <-pending; !errors.Is(err, ErrStopped) {
		t.Errorf("got %v from the pending request, want ErrStopped", err)
	}
	r.stop(t)
	proxy.Close()
	checkLeaks()
}
