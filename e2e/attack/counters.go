//go:build linux

package attack

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/nport/nport/wire"
)

// Counters say what became of an attacker's attempts.
type Counters struct {
	// Attempts counts sockets opened, claims tried or frames sent.
	Attempts int64
	// Accepted counts what a server let through: a claim welcomed, a send
	// delivered or queued, a garbage or slow socket answered with anything
	// but a refusal.
	Accepted int64
	// Refused counts the servers' Refuse frames, by code.
	Refused map[wire.RefuseCode]int64
	// Dropped counts sends the relay answered "dropped" or "over-rate".
	Dropped int64
	// Closed counts sockets a server ended without a Refuse.
	Closed int64
	// Unanswered counts sockets that got neither a Refuse nor an end
	// within the attacker's wait.
	Unanswered int64
	// Errors counts failures on this side: a dial, a write, a handshake
	// that broke for another reason than a refusal.
	Errors int64
	// FirstError is the first of those errors, for the report.
	FirstError string
}

// RefusedAll is the number of refusals of every code.
func (c Counters) RefusedAll() int64 {
	var n int64
	for _, v := range c.Refused {
		n += v
	}
	return n
}

// String is one line for a test's log: only the counters that are not 0.
func (c Counters) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "attempts=%d", c.Attempts)
	for _, f := range []struct {
		name string
		n    int64
	}{{"accepted", c.Accepted}, {"dropped", c.Dropped}, {"closed", c.Closed}, {"unanswered", c.Unanswered}, {"errors", c.Errors}} {
		if f.n != 0 {
			fmt.Fprintf(&b, " %s=%d", f.name, f.n)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(c.Refused)) {
		fmt.Fprintf(&b, " refused-%s=%d", code, c.Refused[code])
	}
	if c.FirstError != "" {
		fmt.Fprintf(&b, " first-error=%q", c.FirstError)
	}
	return b.String()
}

// tally is Counters filled by many goroutines.
type tally struct {
	mu sync.Mutex
	c  Counters
}

func (t *tally) add(f func(c *Counters)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.c)
}

func (t *tally) attempt()    { t.add(func(c *Counters) { c.Attempts++ }) }
func (t *tally) accepted()   { t.add(func(c *Counters) { c.Accepted++ }) }
func (t *tally) dropped()    { t.add(func(c *Counters) { c.Dropped++ }) }
func (t *tally) closed()     { t.add(func(c *Counters) { c.Closed++ }) }
func (t *tally) unanswered() { t.add(func(c *Counters) { c.Unanswered++ }) }

func (t *tally) refused(code wire.RefuseCode) {
	t.add(func(c *Counters) {
		if c.Refused == nil {
			c.Refused = make(map[wire.RefuseCode]int64)
		}
		c.Refused[code]++
	})
}

func (t *tally) failed(err error) {
	t.add(func(c *Counters) {
		if c.Errors++; c.FirstError == "" {
			c.FirstError = err.Error()
		}
	})
}

// snapshot returns a copy of the counters so far.
func (t *tally) snapshot() Counters {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.c
	c.Refused = maps.Clone(c.Refused)
	return c
}
