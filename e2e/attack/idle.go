//go:build linux

package attack

import (
	"context"
	"net"
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
	var t tally
	slots{n: n, addr: a.Addr, sources: a.Sources, bud: bud, t: &t, full: a.markReady}.run(ctx, func(nc net.Conn) {
		await(ctx, nc, 0, &t)
	})
	return t.snapshot()
}
