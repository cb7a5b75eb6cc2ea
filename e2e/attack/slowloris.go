//go:build linux

package attack

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
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
	var (
		t      tally
		wg     sync.WaitGroup
		opened atomic.Int64
	)
	for i := range n {
		wg.Go(func() {
			var c churn
			for bud.take() && ctx.Err() == nil {
				start := time.Now()
				s.trickle(ctx, i, &t, func() {
					if opened.Add(1) == int64(n) {
						s.markReady()
					}
				})
				if !pause(ctx, c.next(time.Since(start))) {
					return
				}
			}
		})
	}
	wg.Wait()
	return t.snapshot()
}

// trickle runs socket i: a writer sends the hello byte by byte while the
// server's answer is awaited, and both end with the socket.
func (s *Slowloris) trickle(ctx context.Context, i int, t *tally, opened func()) {
	t.attempt()
	nc, err := s.Sources.dial(ctx, i, s.Addr)
	if err != nil {
		if ctx.Err() == nil {
			t.failed(err)
		}
		return
	}
	opened()
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
	for _, b := range s.Hello() {
		if _, err := nc.Write([]byte{b}); err != nil || !pause(ctx, interval) {
			return false
		}
	}
	return true
}
