//go:build linux

package main

import (
	"time"

	"github.com/nport/nport/core/procfs"
)

// sampleEvery is how often memory is read during the transfers.
const sampleEvery = 20 * time.Millisecond

// rssSampler keeps the highest VmRSS seen of each process of a tunnel.
type rssSampler struct {
	stop chan struct{}
	done chan []int64
}

func (t *tunnel) sampleRSS() *rssSampler {
	s := &rssSampler{stop: make(chan struct{}), done: make(chan []int64, 1)}
	pids := make([]int, len(t.procs))
	for i, p := range t.procs {
		pids[i] = p.pid()
	}
	go s.run(pids)
	return s
}

func (s *rssSampler) run(pids []int) {
	peak := make([]int64, len(pids))
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for {
		for i, pid := range pids {
			if rss, err := procfs.RSS(pid); err == nil {
				peak[i] = max(peak[i], rss)
			}
		}
		select {
		case <-tick.C:
		case <-s.stop:
			s.done <- peak
			return
		}
	}
}

// finish stops sampling and returns the peaks, in the tunnel's order.
func (s *rssSampler) finish() []int64 {
	close(s.stop)
	return <-s.done
}
