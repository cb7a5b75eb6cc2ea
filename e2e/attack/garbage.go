//go:build linux

package attack

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of a GarbageFlood.
const (
	DefaultGarbageWorkers = 8
	DefaultGarbageCount   = 2000
	// DefaultGarbageWait is how long a socket waits for the server to
	// refuse or close it: longer than any handshake deadline, so that
	// only a server that never ends the socket leaves it unanswered.
	DefaultGarbageWait = 15 * time.Second
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
// evenly over its Duration.
func (g *GarbageFlood) Run(ctx context.Context) Counters {
	defer g.markReady()
	bounds := g.Bounds.withDefaults(DefaultGarbageCount)
	ctx, cancel, bud := bounds.start(ctx)
	defer cancel()
	payloads := g.Payloads
	if payloads == nil {
		payloads = Garbage()
	}
	var (
		t     tally
		wg    sync.WaitGroup
		next  atomic.Int64 // the socket to send next
		start = time.Now()
	)
	for range orDefault(g.Workers, DefaultGarbageWorkers) {
		wg.Go(func() {
			for bud.take() {
				i := int(next.Add(1) - 1)
				if !pause(ctx, time.Until(start.Add(time.Duration(i)*bounds.Duration/time.Duration(bounds.Count)))) {
					return
				}
				g.send(ctx, i, payloads[i%len(payloads)], &t)
				g.markReady()
			}
		})
	}
	wg.Wait()
	return t.snapshot()
}

// send sends one payload on socket i and counts the server's answer.
func (g *GarbageFlood) send(ctx context.Context, i int, p Payload, t *tally) {
	t.attempt()
	nc, err := g.Sources.dial(ctx, i, g.Addr)
	if err != nil {
		if ctx.Err() == nil {
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
	wait := g.Wait
	if wait <= 0 {
		wait = DefaultGarbageWait
	}
	await(ctx, nc, wait, t)
}
