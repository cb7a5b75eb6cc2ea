package route

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Options configure a Memory router.
type Options struct {
	// Queue keeps frames for identities with no live connection; nil
	// means a MemoryQueue that keeps nothing.
	Queue Queue
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Memory is a Router that holds the live connections in the process and
// hands frames for absent identities to its Queue.
type Memory struct {
	queue Queue
	now   func() time.Time

	mu   sync.Mutex
	live map[identity.Name][]Endpoint
	turn atomic.Uint32 // spreads frames for services over their connections
}

// NewMemory returns a router with no connection.
func NewMemory(opt Options) *Memory {
	if opt.Queue == nil {
		opt.Queue = NewMemoryQueue(QueueOptions{})
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Memory{queue: opt.Queue, now: opt.Now, live: make(map[identity.Name][]Endpoint)}
}

// Attach adds a live connection and hands it what was queued. The queue
// is drained before the connection is live, so older frames go first,
// and once more after, for a frame queued while it became live. Frames
// queued for a service name go to the first of its connections.
func (m *Memory) Attach(name identity.Name, ep Endpoint) {
	m.queue.Drain(name, m.now(), ep.Deliver)
	m.mu.Lock()
	m.live[name] = append(m.live[name], ep)
	m.mu.Unlock()
	m.queue.Drain(name, m.now(), ep.Deliver)
}

// Detach removes a live connection.
func (m *Memory) Detach(name identity.Name, ep Endpoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	eps := m.live[name]
	if i := slices.Index(eps, ep); i >= 0 {
		eps = slices.Delete(eps, i, i+1)
	}
	if len(eps) == 0 {
		delete(m.live, name)
		return
	}
	m.live[name] = eps
}

// Route delivers frame to name's live connections, or queues it. The
// queue is written outside the router's lock, as a durable queue waits
// for its disk.
func (m *Memory) Route(name identity.Name, frame []byte) Result {
	if live, ok := m.deliverLive(name, frame); live {
		if ok {
			return Delivered
		}
		return Dropped
	}
	if err := m.queue.Push(name, frame, m.now()); err != nil {
		return Dropped
	}
	// A connection may have come between the look and the push.
	if eps := m.endpoints(name); len(eps) > 0 {
		m.queue.Drain(name, m.now(), func(f []byte) bool { return m.deliver(eps, f) })
	}
	return Queued
}

// deliverLive hands frame to name's live connections, if it has any, and
// reports whether it has and whether one took it. Deliver never blocks,
// so it runs under the lock, and routing copies nothing.
func (m *Memory) deliverLive(name identity.Name, frame []byte) (live, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	eps := m.live[name]
	return len(eps) > 0, len(eps) > 0 && m.deliver(eps, frame)
}

// RouteTo delivers frame to one live connection of name.
func (m *Memory) RouteTo(name identity.Name, id wire.ConnID, frame []byte) Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ep := range m.live[name] {
		if ep.ID() != id {
			continue
		}
		if ep.Deliver(frame) {
			return Delivered
		}
		return Dropped
	}
	return Gone
}

// endpoints returns a copy of name's live connections.
func (m *Memory) endpoints(name identity.Name) []Endpoint {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.live[name])
}

// deliver hands frame to each endpoint that is not a service and to the
// first service endpoint that takes it, starting from a different one
// each time, and reports whether one took it.
func (m *Memory) deliver(live []Endpoint, frame []byte) bool {
	ok, services := false, 0
	for _, ep := range live {
		if ep.Service() {
			services++
		} else if ep.Deliver(frame) {
			ok = true
		}
	}
	if services == 0 {
		return ok
	}
	start := int(m.turn.Add(1))
	for i := range live {
		ep := live[(start+i)%len(live)]
		if ep.Service() && ep.Deliver(frame) {
			return true
		}
	}
	return ok
}
