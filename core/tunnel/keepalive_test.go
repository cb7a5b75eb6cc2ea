package tunnel

import (
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// blackhole relays between a client socket and a daemon socket until cut
// is called; from then on it swallows everything and closes nothing, as a
// path whose router died does.
func blackhole(t testing.TB) (clientSide, daemonSide net.Conn, cut func()) {
	cc, pc := tcpPair(t)
	pd, dc := tcpPair(t)
	var dead atomic.Bool
	relay := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if err != nil {
				return
			}
			if !dead.Load() {
				dst.Write(buf[:n])
			}
		}
	}
	go relay(pd, pc)
	go relay(pc, pd)
	return cc, dc, func() { dead.Store(true) }
}

func TestKeepaliveNoticesDeadPath(t *testing.T) {
	defer func(k, w time.Duration) { keepaliveInterval, writeTimeout = k, w }(keepaliveInterval, writeTimeout)
	keepaliveInterval, writeTimeout = 50*time.Millisecond, 200*time.Millisecond

	cc, dc, cut := blackhole(t)
	tg := startTarget(t, echo)
	r := newPair(t, cc, dc, Options{Logger: testLogger(t)}, Options{}).serve(t, tg.dial)
	local, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer local.Close()
	roundTrip(t, "before the cut", local, []byte("ping"))
	cut()
	start := time.Now()
	for _, tun := range []*Tunnel{r.client, r.daemon} {
		waitDone(t, "tunnel", tun)
		if err := tun.Err(); !errors.Is(err, ErrKeepalive) {
			t.Errorf("Err: got %v, want ErrKeepalive", err)
		}
	}
	if took := time.Since(start); took > 10*(keepaliveInterval+writeTimeout) {
		t.Errorf("dead path noticed after %s, want within a few keepalive rounds", took)
	}
	// The local connection is closed with the tunnel.
	local.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := io.ReadAll(local); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("local connection still open after the tunnel ended")
	}
}
