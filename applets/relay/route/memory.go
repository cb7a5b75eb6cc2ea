package route

import (
	"slices"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
)

// Options size a Memory router's queues.
type Options struct {
	// QueueLen bounds the frames kept per offline identity; past it the
	// oldest is dropped. 0 keeps nothing.
	QueueLen int
	// TTL is how long a frame is kept; 0 keeps nothing.
	TTL time.Duration
	// MaxBytes bounds the frames kept for all identities together, so
	// that many names cannot add up to more memory than the host has.
	// 0 means DefaultMaxBytes.
	MaxBytes int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultMaxBytes is the default bound on all queued frames together.
const DefaultMaxBytes = 256 << 20

// Memory is a Router held in the process: queued frames are lost when it
// ends.
type Memory struct {
	opt Options

	mu        sync.Mutex
	boxes     map[identity.Name]*mailbox
	bytes     int64     // in all queues
	nextSweep time.Time // when to drop expired frames of every queue
}

// mailbox is what the router holds for one identity.
type mailbox struct {
	live  []Endpoint
	queue []queued // oldest first
}

type queued struct {
	frame   []byte
	expires time.Time
}

// NewMemory returns an empty router.
func NewMemory(opt Options) *Memory {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Memory{opt: opt, boxes: make(map[identity.Name]*mailbox)}
}

// Attach adds a live connection and flushes the queue to it.
func (m *Memory) Attach(name identity.Name, ep Endpoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	box := m.box(name)
	box.live = append(box.live, ep)
	m.expire(box, m.opt.Now())
	sent := 0
	for _, q := range box.queue {
		if !ep.Deliver(q.frame) {
			break // it is closing: keep the rest for the next connection
		}
		m.bytes -= int64(len(q.frame))
		sent++
	}
	box.queue = dropFront(box.queue, sent)
}

// Detach removes a live connection.
func (m *Memory) Detach(name identity.Name, ep Endpoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	box, ok := m.boxes[name]
	if !ok {
		return
	}
	if i := slices.Index(box.live, ep); i >= 0 {
		box.live = slices.Delete(box.live, i, i+1)
	}
	m.forgetIfEmpty(name, box)
}

// Route delivers frame to every live connection of name, or queues it.
func (m *Memory) Route(name identity.Name, frame []byte) Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	m.sweep(now)
	box := m.boxes[name]
	if box != nil && deliver(box.live, frame) {
		return Delivered
	}
	if m.opt.QueueLen <= 0 || m.opt.TTL <= 0 || m.bytes+int64(len(frame)) > m.opt.MaxBytes {
		return Dropped
	}
	if box == nil {
		box = m.box(name)
	}
	m.expire(box, now)
	if len(box.queue) >= m.opt.QueueLen {
		m.bytes -= int64(len(box.queue[0].frame))
		box.queue = dropFront(box.queue, 1)
	}
	box.queue = append(box.queue, queued{frame: frame, expires: now.Add(m.opt.TTL)})
	m.bytes += int64(len(frame))
	return Queued
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

// box returns name's mailbox, creating it.
func (m *Memory) box(name identity.Name) *mailbox {
	box, ok := m.boxes[name]
	if !ok {
		box = &mailbox{}
		m.boxes[name] = box
	}
	return box
}

// expire drops the frames of box past their time. They expire in the
// order they were queued, so it looks at the front only.
func (m *Memory) expire(box *mailbox, now time.Time) {
	n := 0
	for n < len(box.queue) && !now.Before(box.queue[n].expires) {
		m.bytes -= int64(len(box.queue[n].frame))
		n++
	}
	box.queue = dropFront(box.queue, n)
}

// sweep expires every queue once per TTL, so that the frames of names
// that never come back do not stay forever.
func (m *Memory) sweep(now time.Time) {
	if now.Before(m.nextSweep) {
		return
	}
	m.nextSweep = now.Add(max(m.opt.TTL, time.Second))
	for name, box := range m.boxes {
		m.expire(box, now)
		m.forgetIfEmpty(name, box)
	}
}

// forgetIfEmpty drops a mailbox that holds nothing.
func (m *Memory) forgetIfEmpty(name identity.Name, box *mailbox) {
	if len(box.live) == 0 && len(box.queue) == 0 {
		delete(m.boxes, name)
	}
}

// dropFront removes the first n frames, in place, so a queue that turns
// over does not keep growing its array.
func dropFront(q []queued, n int) []queued {
	if n == 0 {
		return q
	}
	rest := copy(q, q[n:])
	clear(q[rest:])
	return q[:rest]
}
