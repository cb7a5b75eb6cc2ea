//go:build linux

package e2e

import (
	"fmt"
	"sync"
	"time"

	"github.com/nport/nport/core/proctest"
)

// sampleEvery is how often the sampler reads the servers' /proc.
const sampleEvery = 100 * time.Millisecond

// usage is the most a server held at once, over the samples taken.
type usage struct {
	fds     int
	rss     int64 // bytes
	samples int
	err     error // the first sample that failed: the process is gone
}

func (u usage) String() string {
	return fmt.Sprintf("peak fds=%d rss=%.1fMiB over %d samples", u.fds, float64(u.rss)/(1<<20), u.samples)
}

// sampler reads the descriptors and memory of processes until stopped.
type sampler struct {
	procs map[string]*proctest.Proc
	done  chan struct{}
	wg    sync.WaitGroup
	peaks map[string]usage
}

func startSampler(procs map[string]*proctest.Proc) *sampler {
	s := &sampler{procs: procs, done: make(chan struct{}), peaks: make(map[string]usage)}
	s.wg.Go(func() {
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		for {
			s.sample()
			select {
			case <-tick.C:
			case <-s.done:
				s.sample()
				return
			}
		}
	})
	return s
}

func (s *sampler) sample() {
	for name, p := range s.procs {
		u := s.peaks[name]
		fds, err := p.FDCount()
		rss, rerr := p.RSS()
		if err == nil {
			err = rerr
		}
		if err != nil {
			u.err = cmpOr(u.err, err)
		} else {
			u.fds, u.rss, u.samples = max(u.fds, fds), max(u.rss, rss), u.samples+1
		}
		s.peaks[name] = u
	}
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// stop takes a last sample and returns the peaks, by process name.
func (s *sampler) stop() map[string]usage {
	close(s.done)
	s.wg.Wait()
	return s.peaks
}
