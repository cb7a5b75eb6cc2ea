package fair

// Take appends to dst up to max frames, one from each sender in turn, and
// at most about maxBytes (always at least one frame), removing them from
// the queue.
func (q *Queue) Take(dst [][]byte, max int, maxBytes int64) [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	var taken int64
	for n := 0; n < max && len(q.ring) > 0 && (n == 0 || taken < maxBytes); n++ {
		l := q.ring[q.turn]
		f := l.pop()
		size := int64(len(f))
		q.forget(size)
		taken += size
		dst = append(dst, f)
		if l.count() == 0 {
			q.unlink(l)
		} else {
			q.turn = (q.turn + 1) % len(q.ring)
		}
	}
	if len(q.ring) > 0 {
		q.signal()
	}
	return dst
}

// Close refuses every later Push and returns what was waiting, oldest
// first per sender, so it can be routed elsewhere.
func (q *Queue) Close() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	var out [][]byte
	for _, l := range q.ring {
		for _, f := range l.frames[l.head:] {
			q.budget.give(int64(len(f)))
			out = append(out, f)
		}
	}
	q.lanes, q.ring, q.turn, q.frames, q.bytes = nil, nil, 0, 0, 0
	return out
}

// Stats are a queue's counters.
type Stats struct {
	Frames  int    // waiting now
	Bytes   int64  // waiting now
	Senders int    // with frames waiting
	Evicted uint64 // frames dropped so far to make room for smaller senders'
}

// Stats returns the queue's counters.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return Stats{Frames: q.frames, Bytes: q.bytes, Senders: len(q.ring), Evicted: q.evicted}
}
