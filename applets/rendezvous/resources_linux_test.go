package rendezvous

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// sessionCount is how many sessions TestResourcesComeBack holds at once;
// -sessions 1000 measures a busier rendezvous.
var sessionCount = flag.Int("sessions", 200, "sessions TestResourcesComeBack holds at once")

// usage is what a process holds.
type usage struct {
	fds    int // open file descriptors
	rssKiB int // resident memory
}

// usageOf reads the usage of process pid from /proc.
func usageOf(t *testing.T, pid int) usage {
	t.Helper()
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("cannot count the file descriptors of the rendezvous: %v", err)
	}
	u := usage{fds: len(entries)}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			u.rssKiB, _ = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return u
}

// TestResourcesComeBack runs srvd, holds a few hundred sessions through it
// with bytes flowing both ways, closes them, and checks that its file
// descriptors come back to within 10 % of what it held idle, within 10 s.
// Its memory is logged: with -v and -sessions 1000 this is the measure of
// docs/rendezvous.md.
func TestResourcesComeBack(t *testing.T) {
	n := *sessionCount
	relayAddr := startRelayWith(t, func(c *relay.Config) { c.Rate = 0 })
	p := proctest.Start(t, srvd(t), nil, "--home", t.TempDir(), "-a", "@rv", "--relay", relayAddr,
		"--listen", "127.0.0.1:0", "-m", "@alice", "--max-sessions", strconv.Itoa(n),
		"--max-sessions-per-identity", strconv.Itoa(n), "--log-level", "warn")
	m := p.WaitFor(readyLine, 30*time.Second)
	rv := Ready{Address: m[2], Identity: "@rv"}
	alice := connect(t, relayAddr, "@alice")
	pid := p.Cmd.Process.Pid
	idle := usageOf(t, pid)

	conns := holdSessions(t, alice, rv, n)
	busy := usageOf(t, pid)
	for _, c := range conns {
		c.Close()
	}
	closed := time.Now()
	for u := usageOf(t, pid); u.fds > idle.fds*11/10; u = usageOf(t, pid) {
		if time.Since(closed) > 10*time.Second {
			t.Fatalf("got %d file descriptors 10 s after the sessions closed, want at most %d (idle: %d, with %d sessions: %d)",
				u.fds, idle.fds*11/10, idle.fds, n, busy.fds)
		}
		time.Sleep(10 * time.Millisecond) // polling /proc: there is no event to wait on
	}
	back := time.Since(closed)
	// Memory goes back more slowly than file descriptors: poll it for the
	// same 10 s, and report what it came to.
	after := usageOf(t, pid)
	for ; after.rssKiB > idle.rssKiB*11/10 && time.Since(closed) < 10*time.Second; after = usageOf(t, pid) {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%d sessions: file descriptors idle %d, busy %d, back within 10 %% after %v; RSS idle %d KiB, busy %d KiB, %d KiB %v after the close",
		n, idle.fds, busy.fds, back.Round(time.Millisecond), idle.rssKiB, busy.rssKiB, after.rssKiB, time.Since(closed).Round(time.Millisecond))
}

// holdSessions opens n sessions through rv, pairs both parties of each,
// and moves bytes both ways through each, with a few sessions set up at
// once. It returns the parties' sockets, still open.
func holdSessions(t *testing.T, c *relayclient.Client, rv Ready, n int) []net.Conn {
	t.Helper()
	const workers = 8
	conns := make([]net.Conn, 2*n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				sid := session.NewID()
				g := checkGrant(t, request(t, c, rv, wire.MsgSessionRequest, sid, wire.SessionRequest{To: "@pi"}), rv)
				client, daemon := joinAs(t, g.Address, sid, g.ClientToken), joinAs(t, g.Address, sid, g.DaemonToken)
				conns[2*i], conns[2*i+1] = client, daemon
				if err := pairAndEcho(client, daemon); err != nil {
					t.Errorf("session %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return conns
}

// pairAndEcho reads both parties' RendezvousPaired, then sends 16 KiB each
// way between them.
func pairAndEcho(client, daemon net.Conn) error {
	for _, c := range []net.Conn{client, daemon} {
		_ = c.SetReadDeadline(time.Now().Add(wait))
		var buf [8]byte
		if typ, _, err := wire.ReadFrame(c, buf[:]); err != nil || typ != wire.FrameRendezvousPaired {
			return fmt.Errorf("got %s, %v, want rendezvous-paired", typ, err)
		}
	}
	payload := make([]byte, 16<<10)
	for _, c := range []net.Conn{client, daemon} {
		if _, err := c.Write(payload); err != nil {
			return err
		}
	}
	for _, c := range []net.Conn{client, daemon} {
		if _, err := io.ReadFull(c, payload); err != nil {
			return fmt.Errorf("read what the other party sent: %w", err)
		}
	}
	return nil
}
