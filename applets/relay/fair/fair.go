// Package fair is the queue of frames waiting to be written to one relay
// connection, shared fairly between the identities that sent them.
//
// A connection that does not keep up with what it is sent is never closed
// for it: the excess is refused to the senders, who are told. Each sender
// holds at most a quarter of the queue, and when the queue is full a
// sender with less than the biggest backlog still gets in, in place of the
// newest frame of the biggest one. The writer takes one frame of each
// sender in turn, so a flood from many keys delays an honest frame by at
// most one frame per flooding sender, and never shuts it out.
package fair

import "sync"

// Limits bound one queue. Each sender may hold at most a quarter of
// Frames and of Bytes (at least one frame).
type Limits struct {
	// Frames and Bytes bound what waits, all senders together.
	Frames int
	Bytes  int64
}

// share returns the bound of one sender.
func (l Limits) share() (frames int, bytes int64) {
	return max(l.Frames/4, 1), max(l.Bytes/4, 1)
}

// Queue is one connection's queue. Push and Take are safe to call from
// different goroutines.
type Queue struct {
	lim    Limits
	budget *Budget

	mu      sync.Mutex
	lanes   map[string]*lane
	ring    []*lane // lanes with frames, in turn order
	turn    int     // index in ring of the next lane to serve
	frames  int
	bytes   int64
	closed  bool
	evicted uint64 // frames given way to a smaller sender's

	ready chan struct{} // holds a token while frames wait
}

// lane is what one sender has waiting.
type lane struct {
	sender string
	frames [][]byte // oldest first, from head on
	head   int
	bytes  int64
}

// count returns the frames waiting in l.
func (l *lane) count() int { return len(l.frames) - l.head }

// push adds f at the end.
func (l *lane) push(f []byte) {
	l.frames = append(l.frames, f)
	l.bytes += int64(len(f))
}

// pop removes and returns the oldest frame. An emptied lane starts its
// array over, so a lane that drains as it fills allocates nothing.
func (l *lane) pop() []byte {
	f := l.frames[l.head]
	l.frames[l.head] = nil
	l.head++
	if l.head == len(l.frames) {
		l.frames, l.head = l.frames[:0], 0
	}
	l.bytes -= int64(len(f))
	return f
}

// dropNewest removes and returns the newest frame.
func (l *lane) dropNewest() []byte {
	last := len(l.frames) - 1
	f := l.frames[last]
	l.frames[last] = nil
	l.frames = l.frames[:last]
	if l.head == len(l.frames) {
		l.frames, l.head = l.frames[:0], 0
	}
	l.bytes -= int64(len(f))
	return f
}

// New returns an empty queue bounded by lim, drawing its bytes from
// budget (nil: no bound across queues).
func New(lim Limits, budget *Budget) *Queue {
	return &Queue{lim: lim, budget: budget, lanes: make(map[string]*lane), ready: make(chan struct{}, 1)}
}

// Ready holds a value whenever frames wait: the writer waits on it, then
// calls Take.
func (q *Queue) Ready() <-chan struct{} { return q.ready }

// Push adds a frame from sender and reports whether it was taken. It is
// refused when sender holds its share already, when the queue is full and
// sender has the biggest backlog, or when the queue is closed. sender is
// not kept (a slice of the frame will do); Push allocates only for a
// sender with nothing waiting.
func (q *Queue) Push(sender []byte, frame []byte) bool {
	size := int64(len(frame))
	q.mu.Lock()
	defer q.mu.Unlock()
	l := q.lanes[string(sender)]
	if q.closed {
		return false
	}
	// When memory is short only a sender's first frame gets in.
	if !q.budget.take(size) && l != nil && l.count() > 0 || !q.roomFor(l, size) {
		q.budget.give(size)
		return false
	}
	if l == nil {
		l = &lane{sender: string(sender)}
		q.lanes[l.sender] = l
	}
	if l.count() == 0 {
		q.ring = append(q.ring, l)
	}
	l.push(frame)
	q.frames++
	q.bytes += size
	q.signal()
	return true
}

// roomFor makes room for a frame of size bytes from lane l (nil for a
// sender with nothing waiting), evicting from the biggest backlog if it
// must, and reports whether there is room.
func (q *Queue) roomFor(l *lane, size int64) bool {
	frames, bytes := q.lim.share()
	var mine int64
	if l != nil {
		if l.count() >= frames || l.bytes+size > bytes {
			return false
		}
		mine = l.bytes
	}
	for q.frames+1 > q.lim.Frames || q.bytes+size > q.lim.Bytes {
		fat := q.fattest()
		if fat == nil || fat == l || fat.bytes <= mine+size {
			return false // this sender is the excess
		}
		q.evictNewest(fat)
	}
	return true
}

// fattest returns the lane with the most bytes waiting.
func (q *Queue) fattest() *lane {
	var fat *lane
	for _, l := range q.ring {
		if fat == nil || l.bytes > fat.bytes {
			fat = l
		}
	}
	return fat
}

// evictNewest drops the newest frame of l.
func (q *Queue) evictNewest(l *lane) {
	q.forget(int64(len(l.dropNewest())))
	q.evicted++
	if l.count() == 0 {
		q.unlink(l)
	}
}

// forget accounts for a frame of size bytes leaving the queue.
func (q *Queue) forget(size int64) {
	q.frames--
	q.bytes -= size
	q.budget.give(size)
}

// keptLanes bounds the empty lanes a queue keeps for senders that may
// send again, so that a steady exchange allocates no lane per frame while
// many senders that are done cost nothing.
const keptLanes = 16

// unlink removes an empty lane from the turn order, and from the map
// unless there are few lanes.
func (q *Queue) unlink(l *lane) {
	for i, r := range q.ring {
		if r == l {
			q.ring = append(q.ring[:i], q.ring[i+1:]...)
			if i < q.turn {
				q.turn--
			}
			break
		}
	}
	if q.turn >= len(q.ring) {
		q.turn = 0
	}
	if len(q.lanes) > keptLanes {
		delete(q.lanes, l.sender)
	}
}

// signal leaves a token in ready, if there is none.
func (q *Queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}
