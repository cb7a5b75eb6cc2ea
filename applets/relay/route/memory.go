package route

import (
	"slices"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
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
// and once more after, for a frame queued while it became live.
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

// Route delivers frame to every live connection of name, or queues it.
// The queue is written outside the router's lock, as a durable queue
// waits for its disk.
func (m *Memory) Route(name identity.Name, frame []byte) Result {
	if deliver(m.endpoints(name), frame) {
		return Delivered
	}
	if err := m.queue.Push(name, frame, m.now()); err != nil {
		return Dropped
	}
	// A connection may have come between the look and the push.
	if eps := m.endpoints(name); len(eps) > 0 {
		m.queue.Drain(name, m.now(), func(f []byte) bool { return deliver(eps, f) })
	}
	return Queued
}

// endpoints returns a copy of name's live connections.
func (m *Memory) endpoints(name identity.Name) []Endpoint {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.live[name])
}

// deliver hands frame to every endpoint and reports whether one took it.
func deliver(live []Endpoint, frame []byte) bool {
	ok := false
	for _, ep := range live {
		if ep.Deliver(frame) {
			ok = true
		}
	}
	return ok
}
