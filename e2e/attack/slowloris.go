//go:build linux

package attack

import (
	"context"
	"net"
	"sync"
	"time"
)

// Defaults of a Slowloris.
const (
	DefaultSlowSockets  = 50
	DefaultSlowInterval = 500 * time.Millisecond
)

// Slowloris opens Sockets sockets to Addr, each sending a valid-looking
// hello one byte every Interval, and replaces each socket the server
// closes. A hello of some 60 bytes at 2 bytes a second outlasts any
// handshake deadline.
type Slowloris struct {
	Addr     string
	Hello    func() []byte // RelayHello or RendezvousHello
	Sockets  int           // at once, DefaultSlowSockets if 0
	Interval time.Duration // DefaultSlowInterval if 0
	Sources  Sources
	// Bounds: Count is sockets opened in all, 10×Sockets if 0.
	Bounds Bounds
	readiness
}

// Run trickles the hellos until its bounds end it. Accepted counts the
// hellos sent whole (and any frame the server answered with); Ready is
// closed once every socket has been opened.
func (s *Slowloris) Run(ctx context.Context) Counters {
	defer s.markReady()
	n := orDefault(s.Sockets, DefaultSlowSockets)
	ctx, cancel, bud := s.Bounds.withDefaults(10 * n).start(ctx)
	defer cancel()
	var t tally
	slots{n: n, addr: s.Addr, sources: s.Sources, bud: bud, t: &t, full: s.markReady}.run(ctx, func(nc net.Conn) {
		s.trickle(ctx, nc, &t)
	})
	return t.snapshot()
}

// trickle has a writer send the hello byte by byte while the server's
// answer is awaited, until the socket or ctx ends.
func (s *Slowloris) trickle(ctx context.Context, nc net.Conn, t *tally) {
	sctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		if s.writeSlowly(sctx, nc) {
			t.accepted()
		}
	})
	await(ctx, nc, 0, t)
	stop()
	nc.Close()
	wg.Wait()
}

// writeSlowly writes the hello a byte at a time and reports whether all
// of it went out.
func (s *Slowloris) writeSlowly(ctx context.Context, nc net.Conn) bool {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultSlowInterval
	}
	for i, b := range s.Hello() {
		if i > 0 && !pause(ctx, interval) {
			return false
		}
		if _, err := nc.Write([]byte{b}); err != nil {
			return false
		}
	}
	return true
}
