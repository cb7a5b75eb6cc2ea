package rendezvous

import (
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// sessionCount and waveCount shape TestResourcesComeBack's load; with -v
// and -sessions 1000 it measures the memory figures of docs/rendezvous.md.
var (
	sessionCount = flag.Int("sessions", 200, "sessions TestResourcesComeBack holds at once")
	waveCount    = flag.Int("waves", 1, "how many times TestResourcesComeBack opens and closes them")
)

// usage is what a process holds.
type usage struct {
	fds    int // open file descriptors
	rssKiB int64
}

// usageOf reads the usage of p from /proc.
func usageOf(t *testing.T, p *proctest.Proc) usage {
	t.Helper()
	fds, err := p.FDCount()
	if err != nil {
		t.Skipf("cannot count the file descriptors of the rendezvous: %v", err)
	}
	rss, err := p.RSS()
	if err != nil {
		t.Fatal(err)
	}
	return usage{fds: fds, rssKiB: rss >> 10}
}

// TestResourcesComeBack runs srvd, holds a few hundred sessions through it
// with bytes flowing both ways, closes them, and checks that its file
// descriptors come back to within 10 % of what it held idle, within 10 s.
// With -v it also follows its memory for those 10 s and logs it.
func TestResourcesComeBack(t *testing.T) {
	n := *sessionCount
	relayAddr := startRelayWith(t, func(c *relay.Config) { c.Rate = 0 })
	p := proctest.Start(t, srvd(t), nil, "--home", t.TempDir(), "-a", "@rv", "--relay", relayAddr,
		"--listen", "127.0.0.1:0", "-m", "@alice", "--max-sessions", strconv.Itoa(n),
		"--max-sessions-per-identity", strconv.Itoa(n), "--log-level", "warn")
	m := p.WaitFor(readyLine, 30*time.Second)
	rv := Ready{Address: m[2], Identity: "@rv"}
	alice := connect(t, relayAddr, "@alice")
	idle := usageOf(t, p)
	for wave := range *waveCount {
		conns := holdSessions(t, alice, rv, n)
		busy := usageOf(t, p)
		for _, c := range conns {
			c.Close()
		}
		closed := time.Now()
		within := func(u usage) bool { return u.fds <= idle.fds*11/10 }
		after := waitUsage(t, p, closed, within)
		if !within(after) {
			t.Fatalf("got %d file descriptors 10 s after the sessions closed, want at most %d (idle: %d, with %d sessions: %d)",
				after.fds, idle.fds*11/10, idle.fds, n, busy.fds)
		}
		back := time.Since(closed)
		if testing.Verbose() {
			after = waitUsage(t, p, closed, func(u usage) bool { return u.rssKiB <= idle.rssKiB*11/10 })
		}
		t.Logf("wave %d, %d sessions: file descriptors idle %d, busy %d, back after %v; RSS idle %d KiB, busy %d KiB, %d KiB %v after the close",
			wave+1, n, idle.fds, busy.fds, back.Round(time.Millisecond), idle.rssKiB, busy.rssKiB, after.rssKiB, time.Since(closed).Round(time.Millisecond))
	}
}

// waitUsage polls the usage of p until ok holds or 10 s have passed since
// closed, and returns the last reading.
func waitUsage(t *testing.T, p *proctest.Proc, closed time.Time, ok func(usage) bool) usage {
	t.Helper()
	for {
		u := usageOf(t, p)
		if ok(u) || time.Since(closed) > 10*time.Second {
			return u
		}
		time.Sleep(10 * time.Millisecond) // polling /proc: there is no event to wait on
	}
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
