//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/nport/nport/core/procfs"
)

// measure sets up one tunnel to a fresh target port and takes every figure:
// first those that need the echo service on the target (idle memory, round
// trips), then, with iperf3 on the same port, the transfers.
func (b *bench) measure(ctx context.Context, name string) *runResult {
	r := &runResult{figs: map[string]figure{}}
	t := &tunnel{name: name, b: b}
	defer t.stop()
	target, echo, err := t.setUp(ctx)
	if err != nil {
		r.failAll(fmt.Errorf("set-up: %w", err))
		return r
	}
	defer echo.close()
	for _, p := range t.procs {
		r.procs = append(r.procs, p.name)
	}
	t.idle(r)
	t.latency(ctx, r)
	echo.close() // iperf3 takes the target port from here on
	t.transfers(ctx, r, target)
	return r
}

// setUp starts the echo service on a fresh target port and the tunnel to
// it, and waits until a round trip passes through the whole path.
func (t *tunnel) setUp(ctx context.Context) (int, *echoServer, error) {
	ports, err := freePorts(1)
	if err != nil {
		return 0, nil, err
	}
	echo, err := startEcho(ports[0])
	if err != nil {
		return 0, nil, err
	}
	if err = setups[t.name](ctx, t, ports[0]); err == nil {
		err = t.waitThrough(ctx)
	}
	if err != nil {
		echo.close()
		return 0, nil, err
	}
	return ports[0], echo, nil
}

// idle takes the memory of each process once the tunnel is up.
func (t *tunnel) idle(r *runResult) {
	if len(t.procs) == 0 {
		r.set(figIdle, 0, errNoTunnel)
		return
	}
	var sum int64
	for _, p := range t.procs {
		rss, err := procfs.RSS(p.pid())
		r.set(procKey(procIdle, p.name), mib(rss), err)
		if err != nil {
			r.set(figIdle, 0, err)
			return
		}
		sum += rss
	}
	r.set(figIdle, mib(sum), nil)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// latency times the round trips through the tunnel.
func (t *tunnel) latency(ctx context.Context, r *runResult) {
	took, err := roundTrips(ctx, t.port, t.b.opts.warmup, t.b.opts.rtts)
	if err != nil {
		err = t.blame(err)
		r.set(figP50, 0, err)
		r.set(figP99, 0, err)
		return
	}
	r.set(figP50, micros(percentile(took, 0.50)), nil)
	r.set(figP99, micros(percentile(took, 0.99)), nil)
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// percentile is the nearest-rank q-quantile of took, which it sorts.
func percentile(took []time.Duration, q float64) time.Duration {
	slices.Sort(took)
	i := int(math.Ceil(q*float64(len(took)))) - 1
	return took[min(max(i, 0), len(took)-1)]
}

// blame prefers, as the reason a measurement failed, a process of the
// tunnel that has exited.
func (t *tunnel) blame(err error) error {
	if exit := firstExited(t.procs); exit != nil {
		return exit
	}
	return err
}

// transfers runs the iperf3 tests: one stream, four streams, then a fixed
// amount for the CPU figure, sampling memory throughout.
func (t *tunnel) transfers(ctx context.Context, r *runResult, target int) {
	sampler := t.sampleRSS()
	secs := strconv.Itoa(int(t.b.opts.duration.Seconds()))
	limit := t.b.opts.duration + time.Minute
	one, err := t.iperf(ctx, target, limit, "-t", secs)
	r.set(figOne, one.bps/1e9, t.blame(err))
	four, err := t.iperf(ctx, target, limit, "-t", secs, "-P", "4")
	r.set(figFour, four.bps/1e9, t.blame(err))
	t.cpuPerGiB(ctx, r, target)
	peak := sampler.finish()
	switch {
	case len(t.procs) == 0:
		r.set(figPeak, 0, errNoTunnel)
	case r.figs[figOne].err != nil && r.figs[figFour].err != nil && r.figs[figCPU].err != nil:
		t.failEach(r, figPeak, procPeak, r.figs[figOne].err) // nothing moved
	default:
		t.peaks(r, peak)
	}
}

// cpuPerGiB moves the -bytes amount and divides the CPU time each process
// spent meanwhile by the GiB received.
func (t *tunnel) cpuPerGiB(ctx context.Context, r *runResult, target int) {
	if len(t.procs) == 0 {
		r.set(figCPU, 0, errNoTunnel)
		return
	}
	before, err := t.cpuTimes()
	var tr transfer
	if err == nil {
		tr, err = t.iperf(ctx, target, 15*time.Minute, "-n", t.b.opts.bytes)
	}
	after, err2 := t.cpuTimes()
	if err = t.blame(errors.Join(err, err2)); err != nil {
		t.failEach(r, figCPU, procCPU, err)
		return
	}
	gib := float64(tr.bytes) / (1 << 30)
	var sum float64
	for i, p := range t.procs {
		sum += after[i] - before[i]
		r.set(procKey(procCPU, p.name), (after[i]-before[i])/gib, nil)
	}
	r.set(figCPU, sum/gib, nil)
}

// failEach gives a figure and its per-process parts the same reason.
func (t *tunnel) failEach(r *runResult, fig, kind string, err error) {
	r.set(fig, 0, err)
	for _, p := range t.procs {
		r.set(procKey(kind, p.name), 0, err)
	}
}

func (t *tunnel) cpuTimes() ([]float64, error) {
	times := make([]float64, len(t.procs))
	for i, p := range t.procs {
		var err error
		if times[i], err = cpuSeconds(p.pid()); err != nil {
			return nil, err
		}
	}
	return times, nil
}

// peaks records the highest memory of each process, and their sum.
func (t *tunnel) peaks(r *runResult, peak []int64) {
	var sum int64
	for i, p := range t.procs {
		r.set(procKey(procPeak, p.name), mib(peak[i]), nil)
		sum += peak[i]
	}
	r.set(figPeak, mib(sum), nil)
}
