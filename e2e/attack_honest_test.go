//go:build linux

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// honestTimeout is each honest client's --timeout, per set-up step: a
// hundred times the milliseconds a step takes on loopback, so that only a
// step the attack blocks runs into it.
const honestTimeout = 3 * time.Second

// honestRoom is how long before the attack ends the last honest session
// starts: room for a set-up that runs into honestTimeout, and for ssh and
// the client's start on a loaded machine.
const honestRoom = honestTimeout + 2*time.Second

// honestSpacing is the least time between two honest sessions' starts,
// however late the attack reached full strength: sessions started all at
// once would meet the sshd's own limit on connections in their handshake
// (MaxStartups), which is no part of what is tested.
const honestSpacing = 200 * time.Millisecond

// honestRun is one honest session: `nport client` running ssh with a
// remote command, while the attack goes on.
type honestRun struct {
	ssh   string // the ssh program the client runs
	want  string // what its remote command prints
	res   result
	err   error // the run could not be started or did not end
	ended time.Time
	setup time.Duration // the client's set-up, from its log; 0 if unknown
}

// ok reports whether the session worked from end to end.
func (h honestRun) ok() bool {
	return h.err == nil && h.res.code == 0 && strings.TrimSpace(h.res.stdout) == h.want
}

// String says what went wrong, for the test's failure.
func (h honestRun) String() string {
	if h.err != nil {
		return h.err.Error()
	}
	return fmt.Sprintf("want stdout %q; %s", h.want, h.res)
}

// honestRuns prepares n sessions as alice, each with its own word to
// bring back.
func (w *world) honestRuns(t testing.TB, n int) []honestRun {
	runs := make([]honestRun, n)
	for i := range runs {
		runs[i].want = "nport-ok-" + token()
		runs[i].ssh = w.sshWrapper(t, "echo "+runs[i].want)
	}
	return runs
}

// runHonest runs the sessions one after the other, at even intervals
// from now until last (at least honestSpacing apart), and returns them.
func (w *world) runHonest(runs []honestRun, last time.Time) []honestRun {
	tick := time.NewTicker(max(time.Until(last)/time.Duration(max(len(runs)-1, 1)), honestSpacing))
	defer tick.Stop()
	var wg sync.WaitGroup
	for i := range runs {
		if i > 0 {
			<-tick.C
		}
		wg.Go(func() { w.honestSession(&runs[i]) })
	}
	wg.Wait()
	return runs
}

// honestSession runs the client with the session's ssh program, and
// records how it went. It never fails the test: other goroutines than the
// test's run it.
func (w *world) honestSession(h *honestRun) {
	argv := w.clientArgs(alice, "--timeout", honestTimeout.String(), "--ssh", h.ssh)
	h.res, h.err = execute(command(argv, w.clientEnv(alice)), runTimeout)
	h.setup = setupTime(h.res.stderr)
	h.ended = time.Now()
}

// setupTime adds up the client's set-up steps, from the relay connection
// to the encrypted tunnel, as its JSON log reports them.
func setupTime(log string) time.Duration {
	var total time.Duration
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var line struct {
			Msg  string `json:"msg"`
			Took string `json:"took"` // a Go duration, "3.2ms"
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "set-up step" {
			took, _ := time.ParseDuration(line.Took)
			total += took
		}
	}
	return total
}

// honestStats are the success rate and set-up times of runs.
type honestStats struct {
	ok, total int
	p50, p99  time.Duration
}

func statsOf(runs []honestRun) honestStats {
	s := honestStats{total: len(runs)}
	var times []time.Duration
	for _, r := range runs {
		if r.ok() {
			s.ok++
			times = append(times, r.setup)
		}
	}
	if len(times) > 0 {
		slices.Sort(times)
		s.p50, s.p99 = times[len(times)/2], times[(len(times)*99)/100]
	}
	return s
}

// rate is the share of sessions that worked, in percent.
func (s honestStats) rate() float64 {
	if s.total == 0 {
		return 0
	}
	return 100 * float64(s.ok) / float64(s.total)
}

func (s honestStats) String() string {
	return fmt.Sprintf("%d/%d honest sessions worked; set-up p50 %v, p99 %v", s.ok, s.total, s.p50.Round(time.Millisecond), s.p99.Round(time.Millisecond))
}
