package metrics

import (
	"time"

	"github.com/nport/nport/core/session"
)

// expectFor is how long the parties of a granted session are remembered
// for its Start: longer than any session's time to pair.
const expectFor = 2 * time.Minute

// expected are the parties of a session granted, not yet live.
type expected struct {
	parties Parties
	at      time.Time
}

// Expect remembers the parties of a session about to start, for the
// component that starts it without knowing them (the rendezvous's data
// plane, which knows the requester only).
func (r *Registry) Expect(id session.ID, p Parties) {
	if r == nil {
		return
	}
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.expected == nil {
		r.expected = make(map[session.ID]expected)
	}
	for k, e := range r.expected {
		if now.Sub(e.at) > expectFor {
			delete(r.expected, k)
		}
	}
	r.expected[id] = expected{p, now}
}

// takeExpected fills in what p lacks from the parties expected for id.
// r.mu is held.
func (r *Registry) takeExpected(id session.ID, p Parties) Parties {
	e, ok := r.expected[id]
	if !ok {
		return p
	}
	delete(r.expected, id)
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&p.Client, e.parties.Client)
	fill(&p.Daemon, e.parties.Daemon)
	fill(&p.Device, e.parties.Device)
	fill(&p.Target, e.parties.Target)
	return p
}
