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
	frames [][]byte // oldest first
	bytes  int64
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
	if !q.budget.take(size) && l != nil || !q.roomFor(l, size) {
		q.budget.give(size)
		return false
	}
	if l == nil {
		l = &lane{sender: string(sender)}
		q.lanes[l.sender] = l
	}
	if len(l.frames) == 0 {
		q.ring = append(q.ring, l)
	}
	l.frames = append(l.frames, frame)
	l.bytes += size
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
		if len(l.frames) >= frames || l.bytes+size > bytes {
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
	last := len(l.frames) - 1
	size := int64(len(l.frames[last]))
	l.frames[last] = nil
	l.frames = l.frames[:last]
	q.forget(l, size)
	q.evicted++
	if len(l.frames) == 0 {
		q.unlink(l)
	}
}

// forget accounts for a frame of size bytes leaving lane l.
func (q *Queue) forget(l *lane, size int64) {
	l.bytes -= size
	q.frames--
	q.bytes -= size
	q.budget.give(size)
}

// unlink removes an empty lane from the turn order and the map, so
// senders that are done cost nothing.
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
	delete(q.lanes, l.sender)
}

// signal leaves a token in ready, if there is none.
func (q *Queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}
