package npt

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/procfs"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/core/tunnel"
)

// tunnelTo starts a tunnel over loopback whose daemon end dials target
// for each stream, and returns the client end. An echo target sends the
// framed datagrams of a UDP flow back as they came, so it serves as a UDP
// echo too.
func tunnelTo(t testing.TB, target string) *tunnel.Tunnel {
	t.Helper()
	cc, dc := nettest.TCPPair(t)
	ck, _ := identity.GenerateEphemeral()
	dk, _ := identity.GenerateEphemeral()
	id := session.NewID()
	client, err := tunnel.New(cc, record.Client, ck, dk.Public(), id, tunnel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	daemon, err := tunnel.New(dc, record.Daemon, dk, ck.Public(), id, tunnel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		daemon.ServeTargets(context.Background(), func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", target)
		})
	}()
	t.Cleanup(func() {
		client.Close()
		daemon.Close()
		<-served
	})
	return client
}

// serveIn runs port.serve(ctx, t) in the background; the returned channel
// gives its result.
func serveIn(ctx context.Context, port localPort, t *tunnel.Tunnel) <-chan error {
	done := make(chan error, 1)
	go func() { done <- port.serve(ctx, t, func() {}) }()
	return done
}

var discard = logging.Discard()

// openFDs counts this process's file descriptors; it skips the test
// where /proc cannot say.
func openFDs(t *testing.T) int {
	t.Helper()
	n, err := procfs.FDCount(os.Getpid())
	if err != nil {
		t.Skipf("count open files: %v", err)
	}
	return n
}

// waitFDs waits until this process holds at most want descriptors: the
// other ends of closed connections may take a moment to close theirs.
func waitFDs(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		n := openFDs(t)
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d file descriptors open, want at most %d:\n%s", n, want, fdList())
		}
		// Go keeps the pipes of TCPConn.ReadFrom's splices in a pool that
		// only the garbage collector empties.
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}

// fdList names this process's open descriptors, for a failure message.
func fdList() string {
	entries, _ := os.ReadDir("/proc/self/fd")
	var b strings.Builder
	for _, e := range entries {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		fmt.Fprintf(&b, "  %s → %s\n", e.Name(), target)
	}
	return b.String()
}
