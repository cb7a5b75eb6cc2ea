//go:build linux

package attack

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

func TestSlowlorisTricklesItsHello(t *testing.T) {
	nettest.NoLeaks(t)
	const interval = 2 * time.Millisecond
	n := len(RendezvousHello())
	took := make(chan time.Duration, 2)
	s := serve(t, func(s *server, c net.Conn) {
		b := make([]byte, n)
		c.Read(b[:1])
		start := time.Now()
		if _, err := io.ReadFull(c, b[1:]); err != nil {
			return
		}
		took <- time.Since(start)
		c.Write(frame(wire.Refusal{Code: wire.RefuseTimeout}))
		drain(s, c)
	})
	a := &Slowloris{Addr: s.addr, Hello: RendezvousHello, Sockets: 2, Interval: interval, Bounds: Bounds{Duration: time.Minute, Count: 2}}
	c := result(t, runAsync(context.Background(), a))
	s.waitEnded(t, 2)
	if c.Attempts != 2 || c.Accepted != 2 || c.Refused[wire.RefuseTimeout] != 2 {
		t.Errorf("got %s, want 2 attempts, each hello sent whole and refused with code timeout", c)
	}
	for range 2 {
		if d := <-took; d < time.Duration(n-1)*interval {
			t.Errorf("the hello's %d bytes came in %v, want at least %v", n, d, time.Duration(n-1)*interval)
		}
	}
}
