//go:build linux

package main

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"time"
)

// pollEvery is how often a readiness condition that has no line to wait for
// (a port listening, a round trip through a tunnel) is checked.
const pollEvery = 10 * time.Millisecond

// tunnel is one set-up under test: where it offers the target, and the
// processes that carry it, whose CPU time and memory are measured.
type tunnel struct {
	name  string
	port  int // where the iperf3 and round-trip clients connect
	procs []*proc
	b     *bench
}

// setups start each tunnel to the target port and set t.port; readiness
// through the whole path is awaited afterwards, the same way for all.
var setups = map[string]func(ctx context.Context, t *tunnel, target int) error{
	"direct": func(_ context.Context, t *tunnel, target int) error { t.port = target; return nil },
	"nport":  setupNport,
	"frp":    setupFrp,
	"chisel": setupChisel,
}

// start starts one process of the tunnel.
func (t *tunnel) start(sp spec) (*proc, error) {
	t.b.record(argvString(sp.argv), 0, 0)
	p, err := t.b.sup.start(sp)
	if err != nil {
		return nil, err
	}
	t.procs = append(t.procs, p)
	return p, nil
}

// waitLine waits for a readiness line of p.
func (t *tunnel) waitLine(ctx context.Context, p *proc, re *regexp.Regexp) ([]string, error) {
	m, err := p.out.waitFor(ctx, re, t.b.opts.readyTimeout)
	if err != nil {
		if exit := p.exited(); exit != nil {
			return nil, exit
		}
		return nil, fmt.Errorf("%s: %w; its last lines: %s", p.name, err, p.out.tail(3))
	}
	return m, nil
}

// stop stops the tunnel's processes, the last started first.
func (t *tunnel) stop() {
	for i := len(t.procs) - 1; i >= 0; i-- {
		t.procs[i].stop()
	}
}

// firstExited is the first of procs to have exited, or nil.
func firstExited(procs []*proc) error {
	for _, p := range procs {
		if err := p.exited(); err != nil {
			return err
		}
	}
	return nil
}

// waitUntil calls ready until it says yes, one of watched exits, ctx ends or
// timeout passes; what names what is awaited, for the error.
func waitUntil(ctx context.Context, timeout time.Duration, what string, watched []*proc, ready func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		ok, err := ready()
		if ok {
			return nil
		}
		if exit := firstExited(watched); exit != nil {
			return exit
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			if err == nil {
				err = ctx.Err()
			}
			return fmt.Errorf("%s: not ready within %v: %w", what, timeout, err)
		}
	}
}

// listeningOn is a readiness condition: something listens on port.
func listeningOn(port int) func() (bool, error) {
	return func() (bool, error) { return listening(port) }
}

// waitListening waits until something listens on port, without connecting.
func (t *tunnel) waitListening(ctx context.Context, what string, port int) error {
	return waitUntil(ctx, t.b.opts.readyTimeout, fmt.Sprintf("%s on port %d", what, port), t.procs, listeningOn(port))
}

// waitThrough waits until a round trip through the whole tunnel to the echo
// service succeeds.
func (t *tunnel) waitThrough(ctx context.Context) error {
	return waitUntil(ctx, t.b.opts.readyTimeout, "a round trip through "+t.name, t.procs, func() (bool, error) {
		err := echoOnce(ctx, t.port)
		return err == nil, err
	})
}

// freePorts is n distinct ports on 127.0.0.1 that nothing listens on now,
// for programs that must be told their ports. Another program may take one
// first; that run then fails with a message and the next picks others.
func freePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	ports := make([]int, n)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find free ports on 127.0.0.1: %w", err)
		}
		lns = append(lns, ln)
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}
