//go:build linux

package attack

import (
	"context"
	"net"
	"time"
)

// Defaults of a GarbageFlood.
const (
	DefaultGarbageWorkers = 8
	DefaultGarbageCount   = 2000
	// DefaultGarbageWait is how long a socket waits for the server to
	// refuse or close it. The socket is half-closed, so a server reads
	// its end at once: one that still holds it seconds later waits for
	// nothing.
	DefaultGarbageWait = 5 * time.Second
)

// GarbageFlood sends garbage to Addr, each payload in turn on a fresh
// socket, half-closes it, and waits for the server to refuse or close it.
type GarbageFlood struct {
	Addr     string
	Payloads []Payload     // Garbage() if nil
	Workers  int           // sockets at once, DefaultGarbageWorkers if 0
	Wait     time.Duration // DefaultGarbageWait if 0
	Sources  Sources
	Bounds   Bounds // Count is sockets in all, DefaultGarbageCount if 0
	readiness
}

// Run sends garbage until its bounds end it, its Count sockets spread
// evenly over its Duration but the last Wait, so that each has its whole
// wait within the attack.
func (g *GarbageFlood) Run(ctx context.Context) Counters {
	defer g.markReady()
	bounds := g.Bounds.withDefaults(DefaultGarbageCount)
	ctx, cancel, bud := bounds.start(ctx)
	defer cancel()
	payloads := g.Payloads
	if payloads == nil {
		payloads = Garbage()
	}
	wait := g.wait()
	every := max(bounds.Duration-wait, 0) / time.Duration(bounds.Count)
	var t tally
	start := time.Now()
	spread(ctx, orDefault(g.Workers, DefaultGarbageWorkers), bud, func(i int) {
		if pause(ctx, time.Until(start.Add(time.Duration(i)*every))) {
			g.send(ctx, i, payloads[i%len(payloads)], wait, &t)
			g.markReady()
		}
	})
	return t.snapshot()
}

func (g *GarbageFlood) wait() time.Duration {
	if g.Wait <= 0 {
		return DefaultGarbageWait
	}
	return g.Wait
}

// send sends one payload on socket i and counts the server's answer
// within wait.
func (g *GarbageFlood) send(ctx context.Context, i int, p Payload, wait time.Duration, t *tally) {
	t.attempt()
	nc, err := g.Sources.dial(ctx, i, g.Addr)
	if err != nil {
		if !over(ctx) {
			t.failed(err)
		}
		return
	}
	defer nc.Close()
	// A server may refuse before it has read everything: the write may
	// then fail, and the refusal is still there to read.
	nc.SetWriteDeadline(time.Now().Add(dialTimeout))
	nc.Write(p.Bytes())
	nc.(*net.TCPConn).CloseWrite()
	await(ctx, nc, wait, t)
}
