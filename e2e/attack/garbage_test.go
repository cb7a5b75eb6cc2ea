//go:build linux

package attack

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

func TestGarbageCountsRefusals(t *testing.T) {
	nettest.NoLeaks(t)
	s := serve(t, refuseWith(wire.RefuseMalformed, true))
	n := len(Garbage())
	g := &GarbageFlood{Addr: s.addr, Workers: 2, Bounds: Bounds{Duration: time.Duration(n) * 100 * time.Millisecond, Count: n}}
	c := result(t, runAsync(context.Background(), g))
	s.waitEnded(t, n)
	if c.Attempts != int64(n) || c.Refused[wire.RefuseMalformed] != int64(n) {
		t.Errorf("got %s, want %d attempts, each refused with code malformed", c, n)
	}
}

func TestGarbageCountsSocketsLeftOpen(t *testing.T) {
	nettest.NoLeaks(t)
	// The server reads everything, then holds the socket without a word.
	s := serve(t, func(s *server, c net.Conn) {
		drain(s, c)
		<-s.quit
	})
	g := &GarbageFlood{Addr: s.addr, Workers: 2, Wait: 50 * time.Millisecond, Bounds: Bounds{Duration: time.Second, Count: 4}}
	c := result(t, runAsync(context.Background(), g))
	if c.Attempts != 4 || c.Unanswered != 4 {
		t.Errorf("got %s, want 4 attempts, each unanswered", c)
	}
}

func TestGarbageStopsWithItsContext(t *testing.T) {
	nettest.NoLeaks(t)
	s := serve(t, func(s *server, c net.Conn) {
		drain(s, c)
		<-s.quit
	})
	g := &GarbageFlood{Addr: s.addr, Workers: 1, Bounds: Bounds{Duration: time.Minute, Count: 1}}
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(ctx, g)
	s.waitAccepted(t, 1)
	cancel()
	if c := result(t, done); c.Attempts != 1 || c.Unanswered != 0 {
		t.Errorf("got %s, want 1 attempt and no outcome: the attack was stopped", c)
	}
}
