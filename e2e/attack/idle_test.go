//go:build linux

package attack

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

func TestIdleHoldsSocketsUntilItsContextEnds(t *testing.T) {
	nettest.NoLeaks(t)
	s := serve(t, drain)
	a := &Idle{Addr: s.addr, Sockets: 20, Sources: Loopback(netip.MustParseAddr("127.0.2.2"), 2), Bounds: Bounds{Duration: time.Minute}}
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(ctx, a)
	select {
	case <-a.Ready():
	case <-time.After(waitLimit):
		t.Fatal("the idle sockets were not all open in time")
	}
	from := map[string]int{}
	for _, addr := range s.waitAccepted(t, 20) {
		from[addr.(*net.TCPAddr).IP.String()]++
	}
	if from["127.0.2.2"] != 10 || from["127.0.2.3"] != 10 {
		t.Errorf("got sockets from %v, want 10 from each of 127.0.2.2 and 127.0.2.3", from)
	}
	cancel()
	c := result(t, done)
	s.waitEnded(t, 20)
	if c.Attempts != 20 || c.RefusedAll() != 0 || c.Closed != 0 || c.Errors != 0 {
		t.Errorf("got %s, want 20 attempts and nothing else", c)
	}
}

func TestIdleReplacesSocketsTheServerRefuses(t *testing.T) {
	nettest.NoLeaks(t)
	s := serve(t, refuseWith(wire.RefuseLimit, false))
	a := &Idle{Addr: s.addr, Sockets: 4, Bounds: Bounds{Duration: time.Minute, Count: 12}}
	c := result(t, runAsync(context.Background(), a))
	s.waitEnded(t, 12)
	if c.Attempts != 12 || c.Refused[wire.RefuseLimit] != 12 || c.Errors != 0 {
		t.Errorf("got %s, want 12 attempts, each refused with code limit", c)
	}
}

func TestIdleStopsAtItsDuration(t *testing.T) {
	nettest.NoLeaks(t)
	s := serve(t, drain)
	a := &Idle{Addr: s.addr, Sockets: 3, Bounds: Bounds{Duration: 100 * time.Millisecond}}
	start := time.Now()
	c := result(t, runAsync(context.Background(), a))
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("the attack ended after %v, before its duration", took)
	}
	s.waitEnded(t, 3)
	if c.Attempts != 3 {
		t.Errorf("got %s, want 3 attempts", c)
	}
}
