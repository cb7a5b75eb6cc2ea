package daemon

import (
	"context"
	"net"
	"os"
	"testing"

	"github.com/nport/nport/applets/daemon/keeper"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// serveKeeper runs a keeper of this build in the test's process, on a
// socket of the daemon @dev in home, until the test ends.
func serveKeeper(t *testing.T, home string) {
	t.Helper()
	path, err := keeper.NewSocket(home, "@dev", DefaultDevice)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- keeper.Serve(ctx, keeper.Config{Socket: path, Dial: dialStream, Logger: logging.Discard(), Ready: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// staleSocket leaves a socket file that nobody listens on, as a keeper
// killed with kill -9 does.
func staleSocket(t *testing.T, home string) string {
	t.Helper()
	path, err := keeper.NewSocket(home, "@dev", DefaultDevice)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	return path
}

// TestKeepersAttachHandOffAndList: a daemon that starts beside a live
// keeper of its build and a stale socket removes the socket, attaches to
// the keeper, hands it a session and lists it.
func TestKeepersAttachHandOffAndList(t *testing.T) {
	nettest.NoLeaks(t)
	home := t.TempDir()
	serveKeeper(t, home)
	stale := staleSocket(t, home)
	cfg := Defaults()
	cfg.Home = home
	k := newKeepers(cfg, "@dev", logging.Discard(), nil)
	k.start(context.Background())
	defer k.close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale socket is still there (%v)", err)
	}
	if k.active == "" || len(k.links) != 1 {
		t.Fatalf("got active %q and %d keepers, want the live keeper alone", k.active, len(k.links))
	}

	rv, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rv.Close()
	peer, _ := identity.GenerateEphemeral()
	h := &keeper.Handoff{Session: session.NewID(), Manager: "@alice", Rendezvous: rv.Addr().String(), Token: session.NewToken(),
		Peer: peer.Public(), Cipher: record.ChaCha20Poly1305, Protocol: wire.ProtocolTCP, Target: "127.0.0.1:1"}
	if _, ok := k.handoff(context.Background(), h); !ok {
		t.Fatal("the keeper did not take the session")
	}
	joined, err := rv.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer joined.Close()
	live := k.sessions(context.Background())
	if len(live) != 1 || live[0].Session != h.Session || live[0].Keeper != os.Getpid() || live[0].Target != h.Target {
		t.Errorf("got live sessions %+v, want the one handed off, in keeper %d", live, os.Getpid())
	}
}
