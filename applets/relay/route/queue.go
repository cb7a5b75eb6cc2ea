package route

import (
	"errors"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
)

// Queue keeps frames for identities that have no live connection, until
// one connects or the frames expire. The relay answers "queued" only once
// Push has returned nil, so a Queue that survives a restart (the relay's
// database) must have made the frame durable by then. Implementations
// are safe for concurrent use.
type Queue interface {
	// Push keeps frame for name. It fails with an error wrapping
	// ErrQueueFull when there is no room, or with the storage's error.
	// Past the per-name bound a frame gives way, as GiveWay chooses.
	Push(name identity.Name, frame []byte, now time.Time) error

	// Drain hands take the frames kept for name that have not expired at
	// now, oldest first, and forgets each one take accepts; it stops at
	// the first frame take refuses, which stays queued with the rest.
	Drain(name identity.Name, now time.Time, take func(frame []byte) bool) error
}

// ErrQueueFull means a Queue has no room for another frame.
var ErrQueueFull = errors.New("route: offline queue full")

// QueueOptions bound a Queue.
type QueueOptions struct {
	// Len bounds the frames kept per identity; past it the oldest is
	// dropped. 0 keeps nothing.
	Len int
	// TTL is how long a frame is kept; 0 keeps nothing.
	TTL time.Duration
	// MaxBytes bounds the frames kept for all identities together, so
	// that many names cannot add up to more than the host holds. 0 means
	// DefaultMaxBytes.
	MaxBytes int64
}

// DefaultMaxBytes is the default bound on all queued frames together.
const DefaultMaxBytes = 256 << 20

// Off reports whether the options keep nothing at all.
func (o QueueOptions) Off() bool { return o.Len <= 0 || o.TTL <= 0 }

// withDefaults fills in the zero fields.
func (o QueueOptions) withDefaults() QueueOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// MemoryQueue is a Queue held in the process: what it keeps is lost when
// the process ends.
type MemoryQueue struct {
	opt QueueOptions

	mu        sync.Mutex
	boxes     map[identity.Name][]queued // oldest first
	bytes     int64                      // in all boxes
	nextSweep time.Time                  // when to drop the expired frames of every box
}

type queued struct {
	frame   []byte
	expires time.Time
}

// NewMemoryQueue returns an empty queue.
func NewMemoryQueue(opt QueueOptions) *MemoryQueue {
	return &MemoryQueue{opt: opt.withDefaults(), boxes: make(map[identity.Name][]queued)}
}

// Push keeps frame for name.
func (q *MemoryQueue) Push(name identity.Name, frame []byte, now time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sweep(now)
	if q.opt.Off() || q.bytes+int64(len(frame)) > q.opt.MaxBytes {
		return ErrQueueFull
	}
	box := q.expire(q.boxes[name], now)
	senders := make([][]byte, len(box))
	for i, f := range box {
		senders[i] = SenderOf(f.frame)
	}
	if i := GiveWay(senders, SenderOf(frame), q.opt.Len); i >= 0 {
		q.bytes -= int64(len(box[i].frame))
		box = append(box[:i], box[i+1:]...)
	}
	q.boxes[name] = append(box, queued{frame: frame, expires: now.Add(q.opt.TTL)})
	q.bytes += int64(len(frame))
	return nil
}

// Drain hands take name's frames, oldest first.
func (q *MemoryQueue) Drain(name identity.Name, now time.Time, take func([]byte) bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	box := q.expire(q.boxes[name], now)
	sent := 0
	for _, f := range box {
		if !take(f.frame) {
			break
		}
		q.bytes -= int64(len(f.frame))
		sent++
	}
	q.store(name, dropFront(box, sent))
	return nil
}

// Len returns how many frames are kept for all identities together.
func (q *MemoryQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, box := range q.boxes {
		n += len(box)
	}
	return n
}

// store keeps box as name's, or forgets name when it is empty.
func (q *MemoryQueue) store(name identity.Name, box []queued) {
	if len(box) == 0 {
		delete(q.boxes, name)
		return
	}
	q.boxes[name] = box
}

// expire drops the frames of box past their time. They expire in the
// order they were queued, so it looks at the front only.
func (q *MemoryQueue) expire(box []queued, now time.Time) []queued {
	n := 0
	for n < len(box) && !now.Before(box[n].expires) {
		q.bytes -= int64(len(box[n].frame))
		n++
	}
	return dropFront(box, n)
}

// sweep expires every box once per TTL, so that the frames of names that
// never come back do not stay forever.
func (q *MemoryQueue) sweep(now time.Time) {
	if now.Before(q.nextSweep) {
		return
	}
	q.nextSweep = now.Add(max(q.opt.TTL, time.Second))
	for name, box := range q.boxes {
		q.store(name, q.expire(box, now))
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
