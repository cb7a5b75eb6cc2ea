package admission

// A ticket sits in two queues at once: the gate's, of every pending socket,
// and its source's. Each queue is a doubly linked list threaded through the
// tickets themselves, least recently active at the head, so that seating,
// touching and removing cost O(1) and allocate nothing.

// side names which of a ticket's links a queue uses.
type side uint8

const (
	sideAll side = iota
	sideSource
	sideCount
)

// link is a ticket's place in one queue.
type link struct{ prev, next *Ticket }

// queue is a list of tickets, least recently active first.
type queue struct {
	side       side
	head, tail *Ticket
	n          int
}

// push appends t, the most recently active.
func (q *queue) push(t *Ticket) {
	l := &t.links[q.side]
	l.prev, l.next = q.tail, nil
	if q.tail != nil {
		q.tail.links[q.side].next = t
	} else {
		q.head = t
	}
	q.tail = t
	q.n++
}

// remove unlinks t, which is in q.
func (q *queue) remove(t *Ticket) {
	l := &t.links[q.side]
	if l.prev != nil {
		l.prev.links[q.side].next = l.next
	} else {
		q.head = l.next
	}
	if l.next != nil {
		l.next.links[q.side].prev = l.prev
	} else {
		q.tail = l.prev
	}
	l.prev, l.next = nil, nil
	q.n--
}

// moveToBack makes t, which is in q, the most recently active.
func (q *queue) moveToBack(t *Ticket) {
	if q.tail == t {
		return
	}
	q.remove(t)
	q.push(t)
}
