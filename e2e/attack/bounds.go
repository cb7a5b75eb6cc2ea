//go:build linux

package attack

import (
	"context"
	"sync/atomic"
	"time"
)

// DefaultDuration bounds an attacker whose Bounds give no Duration.
const DefaultDuration = 15 * time.Second

// Bounds end an attacker after Duration or after Count attempts, whichever
// comes first, and at once when its context ends. A zero field takes the
// attacker's default: DefaultDuration, and a count of its own.
type Bounds struct {
	Duration time.Duration
	Count    int
}

// withDefaults fills in the zero fields.
func (b Bounds) withDefaults(count int) Bounds {
	if b.Duration <= 0 {
		b.Duration = DefaultDuration
	}
	if b.Count <= 0 {
		b.Count = count
	}
	return b
}

// start applies bounds filled in by withDefaults: the returned context
// ends after the duration, and the budget hands out the count.
func (b Bounds) start(ctx context.Context) (context.Context, context.CancelFunc, *budget) {
	ctx, cancel := context.WithTimeout(ctx, b.Duration)
	bud := &budget{}
	bud.left.Store(int64(b.Count))
	return ctx, cancel, bud
}

// budget is the count of attempts an attacker has left, shared by its
// goroutines.
type budget struct{ left atomic.Int64 }

// take spends one attempt, and reports false once none is left.
func (b *budget) take() bool { return b.left.Add(-1) >= 0 }

// over reports whether the attack is over: ctx has ended, or its
// deadline has passed and ctx is about to end. An error then is the
// attack's end, not the server's doing, and is not counted.
func over(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// pause waits for d or until ctx ends, and reports whether ctx is still
// live: the pacing of an attacker, never a wait for readiness.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// churn is the pause before a socket the server closed is replaced: none
// after a socket that lived, growing for sockets closed at once, so that
// a server that turns every socket away costs the attacker's machine a
// bounded rate of dials rather than a busy loop.
type churn struct{ delay time.Duration }

// Bounds of churn's delay, and the life under which a socket counts as
// closed at once.
const (
	churnMin   = 50 * time.Millisecond
	churnMax   = time.Second
	churnQuick = time.Second
)

// next returns the pause after a socket that lived for lived.
func (c *churn) next(lived time.Duration) time.Duration {
	if lived >= churnQuick {
		c.delay = 0
		return 0
	}
	c.delay = min(max(2*c.delay, churnMin), churnMax)
	return c.delay
}
