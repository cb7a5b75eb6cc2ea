package relayclient

import (
	"context"
	"errors"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/dialer/dialertest"
)

// TestNoGoroutineLeft runs clients through every path, a proxy and a
// relay restart included, cancels them, and checks that the goroutine
// count comes back to where it was.
func TestNoGoroutineLeft(t *testing.T) {
	before := runtime.NumGoroutine()
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

	deadline := time.Now().Add(testTimeout)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			var b strings.Builder
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("got %d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), before, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
