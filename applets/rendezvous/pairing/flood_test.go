package pairing

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// dialFrom connects to the server from the loopback address from: every
// address of 127.0.0.0/8 is loopback on Linux, so each is a source of its
// own. The connection is closed when t ends.
func (f *fixture) dialFrom(t testing.TB, from string) *net.TCPConn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: wait}
	c, err := d.Dial("tcp", f.addr)
	if err != nil {
		t.Skipf("cannot dial from %s (is all of 127.0.0.0/8 loopback here?): %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

// joinFrom is join from the loopback address from.
func (f *fixture) joinFrom(t testing.TB, from string, id session.ID, tok session.Token) *net.TCPConn {
	t.Helper()
	c := f.dialFrom(t, from)
	if _, err := c.Write(helloFrame(id, tok)); err != nil {
		t.Fatalf("write hello: %v", err)
	}
	return c
}

// TestIdleFloodLeavesRoomForParties fills the handshake limits with silent
// sockets, from the address the parties use and from eight others: the
// sockets turned away are told which limit, a live session keeps flowing,
// and parties from every address still pair.
func TestIdleFloodLeavesRoomForParties(t *testing.T) {
	const (
		maxAll, perSource = 32, 8
		grace             = time.Second
	)
	f := startServer(t, Config{MaxHandshakes: maxAll, MaxHandshakesPerSource: perSource, HandshakeGrace: grace,
		HandshakeTimeout: time.Minute, SessionTTL: time.Minute})
	id, g := f.open("@alice")
	liveC, liveD := f.join(t, id, g.Client), f.join(t, id, g.Daemon)
	readPaired(t, liveC)
	readPaired(t, liveD)
	eventually(t, "the live parties' handshakes done", func() bool { return f.srv.Handshakes().Pending == 0 })

	// The server accepts in the order of the dials, so the ninth socket of
	// 127.0.0.1 meets a full source whose sockets are all younger than
	// the grace.
	var idle []net.Conn
	for range perSource {
		idle = append(idle, f.dialFrom(t, "127.0.0.1"))
	}
	r, _ := readRefusal(t, f.dialFrom(t, "127.0.0.1"))
	if r.Code != wire.RefuseLimit || !strings.Contains(r.Message, "per-address limit") {
		t.Errorf("ninth socket of one address: got %v, want a limit refusal naming the per-address limit", r)
	}
	// 64 more from eight other addresses: the 40 oldest of all are shed,
	// each as the socket 32 places after it is seated, so the last of
	// them has been told once the whole flood is seated.
	for i := range 8 * perSource {
		idle = append(idle, f.dialFrom(t, fmt.Sprintf("127.0.0.%d", 2+i/perSource)))
	}
	for i, c := range idle[:len(idle)-maxAll] {
		if r, _ := readRefusal(t, c); r.Code != wire.RefuseLimit || !strings.Contains(r.Message, "global limit") {
			t.Errorf("idle socket %d: got %v, want a limit refusal naming the global limit", i, r)
		}
	}
	exchange(t, liveC, liveD, "during the flood")

	// Past the grace, a party of a full source takes the place of its
	// idlest socket, and anyone else that of the idlest of all.
	time.Sleep(grace) // the flood must have been idle for the grace: the wait is the condition
	for _, from := range [][2]string{{"127.0.0.1", "127.0.0.1"}, {"127.0.0.9", "127.0.0.9"}, {"127.0.0.5", "127.0.0.1"}} {
		id, g := f.open("@alice")
		c := f.joinFrom(t, from[0], id, g.Client)
		eventually(t, "waiting party", func() bool { return f.srv.state(id) == stateWaiting })
		d := f.joinFrom(t, from[1], id, g.Daemon)
		readPaired(t, c)
		readPaired(t, d)
		exchange(t, c, d, "paired from "+from[0]+" and "+from[1])
	}
	got := f.srv.Handshakes()
	// 40 shed by the flood and one by the first party; the party of the
	// full source 127.0.0.9 sheds one of it.
	if got.RefusedPerSource != 1 || got.ShedPerSource < 1 || got.ShedGlobal < 41 {
		t.Errorf("got counters %+v, want 1 refused per source, 1 or more shed per source, 41 or more shed in all", got)
	}
}
