//go:build linux

package attack

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// slots are the sockets an attacker holds at once: each slot dials a
// socket, uses it until it ends, and replaces it after a churn pause,
// until the budget is spent or the context ends.
type slots struct {
	n       int
	addr    string
	sources Sources
	bud     *budget
	t       *tally
	full    func() // called once every slot has opened a socket
}

// run runs the slots and returns when all have ended; use serves one
// socket until the server or ctx ends it, and the slot then closes it.
func (s slots) run(ctx context.Context, use func(nc net.Conn)) {
	var (
		wg     sync.WaitGroup
		opened atomic.Int64
	)
	for i := range s.n {
		wg.Go(func() {
			var c churn
			for s.bud.take() && ctx.Err() == nil {
				s.t.attempt()
				start := time.Now()
				if nc, err := s.sources.dial(ctx, i, s.addr); err != nil {
					if !over(ctx) {
						s.t.failed(err)
					}
				} else {
					if opened.Add(1) == int64(s.n) {
						s.full()
					}
					use(nc)
					nc.Close()
				}
				if !pause(ctx, c.next(time.Since(start))) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// spread runs fn for sockets 0, 1, 2… on workers goroutines, until the
// budget is spent or ctx ends.
func spread(ctx context.Context, workers int, bud *budget, fn func(i int)) {
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil && bud.take() {
				fn(int(next.Add(1) - 1))
			}
		})
	}
	wg.Wait()
}
