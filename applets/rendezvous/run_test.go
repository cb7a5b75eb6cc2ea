package rendezvous

import (
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// TestRunStopsEverything cancels a rendezvous that holds a live session, a
// waiting party and a silent socket: Run returns, every socket is closed
// and no goroutine of the rendezvous is left.
func TestRunStopsEverything(t *testing.T) {
	relayAddr := startRelay(t)
	alice := connect(t, relayAddr, "@alice")
	rv, stop := startRendezvous(t, relayAddr, func(c *Config) { c.Snoop = true })

	grant := func() (session.ID, wire.SessionGrant) {
		sid := session.NewID()
		return sid, checkGrant(t, request(t, alice, rv, wire.MsgSessionRequest, sid, wire.SessionRequest{To: "@pi"}), rv)
	}
	sid, g := grant()
	client, daemon := joinAs(t, g.Address, sid, g.ClientToken), joinAs(t, g.Address, sid, g.DaemonToken)
	sid2, g2 := grant()
	waiting := joinAs(t, g2.Address, sid2, g2.ClientToken)
	silent, err := net.DialTimeout("tcp", rv.Address, wait)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	stop()
	for name, c := range map[string]net.Conn{"client": client, "daemon": daemon, "waiting": waiting, "silent": silent} {
		if err := readToEnd(c); err != nil {
			t.Errorf("%s: got %v, want the socket closed", name, err)
		}
	}
	deadline := time.Now().Add(wait)
	for len(ours()) > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for _, g := range ours() {
		t.Errorf("got a goroutine left after Run returned:\n%s", g)
	}
}

// ours returns the stacks of the goroutines running rendezvous or bridge
// code, other than the tests' own. The relay and the relay clients of the
// test run beside the rendezvous and are not counted.
func ours() []string {
	buf := make([]byte, 1<<20)
	var out []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		mine := strings.Contains(g, "nport/applets/rendezvous") || strings.Contains(g, "nport/core/bridge")
		if mine && !strings.Contains(g, "_test.go") {
			out = append(out, g)
		}
	}
	return out
}

// readToEnd reads c until the peer closes it: nil for an EOF or a reset,
// the error for anything else (a deadline: still open).
func readToEnd(c net.Conn) error {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, syscall.ECONNRESET) {
		return nil
	}
	return err
}
