package tunnel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
)

func TestTargetDialFails(t *testing.T) {
	cc, dc := tcpPair(t)
	tg := startTarget(t, echo)
	var dials atomic.Int32
	dial := func(ctx context.Context) (net.Conn, error) {
		if dials.Add(1) == 2 { // the second connection's target is down
			return nil, errors.New("connection refused")
		}
		return tg.dial(ctx)
	}
	r := newPair(t, cc, dc, Options{Logger: testLogger(t)}, Options{}).serve(t, dial)

	// The first connection is open before the failure and must outlive it.
	first, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer first.Close()
	roundTrip(t, "first connection, before", first, []byte("hello"))

	failed, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer failed.Close()
	got, err := io.ReadAll(failed)
	if len(got) != 0 {
		t.Errorf("connection whose target failed: got %q, %v, want it closed with no data", got, err)
	}

	roundTrip(t, "first connection, after", first, []byte("still there"))
	third, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer third.Close()
	if got, err := exchange(third, []byte("a new one")); err != nil || string(got) != "a new one" {
		t.Errorf("third connection: got %q, %v, want %q", got, err, "a new one")
	}
	if r.client.Err() != nil || r.daemon.Err() != nil {
		t.Errorf("tunnel ended: client %v, daemon %v; want both running", r.client.Err(), r.daemon.Err())
	}
}

// roundTrip sends msg on c and reads the echo.
func roundTrip(t *testing.T, what string, c net.Conn, msg []byte) {
	t.Helper()
	if _, err := c.Write(msg); err != nil {
		t.Fatalf("%s: write: %v", what, err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("%s: got %q, %v, want %q", what, got, err, msg)
	}
}

func TestDaemonMayNotOpenStreams(t *testing.T) {
	cc, dc := tcpPair(t)
	p := newPair(t, cc, dc, Options{Logger: testLogger(t)}, Options{})
	// The client may end the tunnel before OpenStream has returned.
	if s, err := p.daemon.OpenStream(); err == nil {
		defer s.Close()
		s.Write([]byte("unasked"))
	}
	waitDone(t, "client", p.client)
	if err := p.client.Err(); !mentions(err, "daemon opened a stream") {
		t.Errorf("client Err: got %v, want a refusal of the daemon's stream", err)
	}
	waitDone(t, "daemon", p.daemon)
	// The daemon hears of the end by its read (the client's end-of-stream
	// record) or, if its own write of the stream's bytes comes first, by
	// that write meeting the closed socket.
	if err := p.daemon.Err(); !errors.Is(err, ErrPeerClosed) && !mentions(err, "broken pipe") && !mentions(err, "connection reset") {
		t.Errorf("daemon Err: got %v, want ErrPeerClosed or a write to the closed socket", err)
	}
}
