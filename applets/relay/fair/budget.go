package fair

import "sync/atomic"

// Budget bounds the bytes waiting in all the queues of a relay together,
// so that many slow connections cannot add up to more memory than the
// host has. A nil *Budget bounds nothing.
type Budget struct {
	max  int64
	used atomic.Int64
}

// NewBudget returns a budget of max bytes.
func NewBudget(max int64) *Budget { return &Budget{max: max} }

// take counts n bytes and reports whether they fit. They are counted
// even when they do not, since a sender's first frame gets in anyway;
// give them back with give.
func (b *Budget) take(n int64) bool {
	if b == nil {
		return true
	}
	return b.used.Add(n) <= b.max
}

// give returns n bytes counted by take.
func (b *Budget) give(n int64) {
	if b != nil {
		b.used.Add(-n)
	}
}

// Used returns the bytes counted now.
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}
