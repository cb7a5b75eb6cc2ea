package route

import (
	"slices"
	"testing"
	"time"
)

func TestMemoryQueueBounds(t *testing.T) {
	clk := &clock{t: time.Unix(1000, 0)}
	q := NewMemoryQueue(QueueOptions{Len: 100, TTL: time.Minute, MaxBytes: 10})
	m := NewMemory(Options{Queue: q, Now: clk.now})
	results := []Result{m.Route("@a", []byte("12345")), m.Route("@b", []byte("12345")), m.Route("@c", []byte("1"))}
	if want := []Result{Queued, Queued, Dropped}; !slices.Equal(results, want) {
		t.Errorf("got %v, want %v", results, want)
	}
	// Expiry frees the budget, and sweeping forgets empty mailboxes.
	clk.advance(2 * time.Minute)
	if got := m.Route("@c", []byte("1")); got != Queued {
		t.Errorf("after expiry: got %v, want queued", got)
	}
	q.mu.Lock()
	boxes, bytes := len(q.boxes), q.bytes
	q.mu.Unlock()
	if boxes != 1 || bytes != 1 {
		t.Errorf("after sweep: got %d mailboxes, %d bytes; want 1, 1", boxes, bytes)
	}
}
