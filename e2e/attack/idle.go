//go:build linux

package attack

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultIdleSockets is how many sockets an Idle attacker holds.
const DefaultIdleSockets = 2000

// Idle holds Sockets sockets open to Addr without sending a byte, and
// opens another in place of each one the server closes.
type Idle struct {
	Addr    string
	Sockets int // held at once, DefaultIdleSockets if 0
	Sources Sources
	// Bounds: Count is sockets opened in all, the replacements included;
	// 10×Sockets if 0, enough to replace each socket every second or two
	// for the default duration when the server turns them away at once.
	Bounds Bounds
	readiness
}

// Run holds the sockets until its bounds end it. Ready is closed once
// every socket has been opened.
func (a *Idle) Run(ctx context.Context) Counters {
	defer a.markReady()
	n := orDefault(a.Sockets, DefaultIdleSockets)
	ctx, cancel, bud := a.Bounds.withDefaults(10 * n).start(ctx)
	defer cancel()
	var (
		t      tally
		wg     sync.WaitGroup
		opened atomic.Int64
	)
	for i := range n {
		wg.Go(func() {
			a.hold(ctx, i, bud, &t, func() {
				if opened.Add(1) == int64(n) {
					a.markReady()
				}
			})
		})
	}
	wg.Wait()
	return t.snapshot()
}

// hold keeps socket i open, replacing it whenever the server closes it.
func (a *Idle) hold(ctx context.Context, i int, bud *budget, t *tally, opened func()) {
	var c churn
	for bud.take() && ctx.Err() == nil {
		t.attempt()
		start := time.Now()
		if nc, err := a.Sources.dial(ctx, i, a.Addr); err != nil {
			if ctx.Err() == nil {
				t.failed(err)
			}
		} else {
			opened()
			await(ctx, nc, 0, t)
			nc.Close()
		}
		if !pause(ctx, c.next(time.Since(start))) {
			return
		}
	}
}
