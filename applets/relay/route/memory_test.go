package route

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// endpoint records what it is given, up to room frames: unbounded if
// room is 0, nothing if it is negative.
type endpoint struct {
	mu      sync.Mutex
	got     []string
	room    int
	id      wire.ConnID
	service bool
}

func (e *endpoint) ID() wire.ConnID { return e.id }
func (e *endpoint) Service() bool   { return e.service }

func (e *endpoint) Deliver(frame []byte) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.room != 0 && len(e.got) >= max(e.room, 0) {
		return false
	}
	e.got = append(e.got, string(frame))
	return true
}

func (e *endpoint) frames() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.got)
}

// clock is a fake time that tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newRouter(queueLen int, ttl time.Duration) (*Memory, *clock) {
	c := &clock{t: time.Unix(1000, 0)}
	q := NewMemoryQueue(QueueOptions{Len: queueLen, TTL: ttl})
	return NewMemory(Options{Queue: q, Now: c.now}), c
}

func TestDeliverToEveryLiveConnection(t *testing.T) {
	m, _ := newRouter(4, time.Minute)
	a, b, other := &endpoint{}, &endpoint{}, &endpoint{}
	m.Attach("@bob", a)
	m.Attach("@bob", b)
	m.Attach("@carol", other)
	if got := m.Route("@bob", []byte("hi")); got != Delivered {
		t.Fatalf("got %v, want delivered", got)
	}
	for i, ep := range []*endpoint{a, b} {
		if got := ep.frames(); !slices.Equal(got, []string{"hi"}) {
			t.Errorf("connection %d: got %q, want [hi]", i, got)
		}
	}
	if got := other.frames(); len(got) != 0 {
		t.Errorf("another identity got %q, want nothing", got)
	}
	m.Detach("@bob", a)
	m.Route("@bob", []byte("again"))
	if got := a.frames(); len(got) != 1 {
		t.Errorf("detached connection: got %q, want only the first frame", got)
	}
	if got := b.frames(); !slices.Equal(got, []string{"hi", "again"}) {
		t.Errorf("remaining connection: got %q, want [hi again]", got)
	}
}

func TestQueue(t *testing.T) {
	tests := []struct {
		name     string
		queueLen int
		ttl      time.Duration
		sends    []string
		wait     time.Duration // before the recipient connects
		want     []string
		results  []Result
	}{
		{"kept until connect", 4, time.Minute, []string{"1", "2"}, 30 * time.Second,
			[]string{"1", "2"}, []Result{Queued, Queued}},
		{"past ttl dropped", 4, time.Minute, []string{"1", "2"}, time.Minute,
			nil, []Result{Queued, Queued}},
		{"bound drops oldest", 2, time.Minute, []string{"1", "2", "3", "4"}, 0,
			[]string{"3", "4"}, []Result{Queued, Queued, Queued, Queued}},
		{"no queue", 0, time.Minute, []string{"1"}, 0, nil, []Result{Dropped}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, clk := newRouter(tt.queueLen, tt.ttl)
			for i, s := range tt.sends {
				if got := m.Route("@bob", []byte(s)); got != tt.results[i] {
					t.Errorf("send %s: got %v, want %v", s, got, tt.results[i])
				}
			}
			clk.advance(tt.wait)
			ep := &endpoint{}
			m.Attach("@bob", ep)
			if got := ep.frames(); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			m.Detach("@bob", ep)
			again := &endpoint{}
			m.Attach("@bob", again)
			if got := again.frames(); len(got) != 0 {
				t.Errorf("second connection got %q, want nothing: the queue was flushed", got)
			}
		})
	}
}

func TestQueuedBeforeNewFrames(t *testing.T) {
	m, _ := newRouter(4, time.Minute)
	m.Route("@bob", []byte("old"))
	ep := &endpoint{}
	m.Attach("@bob", ep)
	m.Route("@bob", []byte("new"))
	if got, want := ep.frames(), []string{"old", "new"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFullConnectionKeepsTheRest(t *testing.T) {
	m, _ := newRouter(8, time.Minute)
	for i := range 5 {
		m.Route("@bob", fmt.Appendf(nil, "%d", i))
	}
	full := &endpoint{room: 2}
	m.Attach("@bob", full)
	m.Detach("@bob", full)
	next := &endpoint{}
	m.Attach("@bob", next)
	if got, want := next.frames(), []string{"2", "3", "4"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// A live connection that takes nothing is busy: the sender is told,
	// and nothing is queued behind its back.
	m2, _ := newRouter(8, time.Minute)
	m2.Attach("@bob", &endpoint{room: -1})
	if got := m2.Route("@bob", []byte("x")); got != Dropped {
		t.Errorf("route to a busy connection: got %v, want dropped", got)
	}
}

func TestConcurrentRouting(t *testing.T) {
	m := NewMemory(Options{Queue: NewMemoryQueue(QueueOptions{Len: 16, TTL: time.Minute})})
	var wg sync.WaitGroup
	eps := make([]*endpoint, 4)
	for i := range eps {
		eps[i] = &endpoint{}
		wg.Go(func() {
			for range 100 {
				m.Attach("@bob", eps[i])
				m.Route("@bob", []byte("x"))
				m.Detach("@bob", eps[i])
			}
		})
	}
	wg.Wait()
	total := 0
	for _, ep := range eps {
		total += len(ep.frames())
	}
	if total < 400 {
		t.Errorf("got %d frames delivered, want at least 400 (every route had a live connection)", total)
	}
}

func TestServiceGetsOneCopy(t *testing.T) {
	m, _ := newRouter(4, time.Minute)
	rv1, rv2 := &endpoint{id: 1, service: true}, &endpoint{id: 2, service: true}
	m.Attach("@rv", rv1)
	m.Attach("@rv", rv2)
	for i := range 10 {
		if got := m.Route("@rv", fmt.Appendf(nil, "%d", i)); got != Delivered {
			t.Fatalf("route %d: got %v, want delivered", i, got)
		}
	}
	n1, n2 := len(rv1.frames()), len(rv2.frames())
	if n1+n2 != 10 || n1 == 0 || n2 == 0 {
		t.Errorf("got %d and %d frames, want 10 in all, spread over both", n1, n2)
	}
	// A busy service connection passes its turn to the other.
	busy, idle := &endpoint{id: 3, service: true, room: -1}, &endpoint{id: 4, service: true}
	m.Attach("@rv2", busy)
	m.Attach("@rv2", idle)
	for range 4 {
		m.Route("@rv2", []byte("x"))
	}
	if got := len(idle.frames()); got != 4 {
		t.Errorf("the idle service connection got %d frames, want all 4", got)
	}
}

func TestRouteToOneConnection(t *testing.T) {
	m, _ := newRouter(4, time.Minute)
	a, b := &endpoint{id: 7}, &endpoint{id: 8}
	m.Attach("@alice", a)
	m.Attach("@alice", b)
	tests := []struct {
		name  string
		to    identity.Name
		id    wire.ConnID
		want  Result
		gotA  int
		gotB  int
		frame string
	}{
		{"the one asked", "@alice", 8, Delivered, 0, 1, "reply"},
		{"an id of another name", "@bob", 8, Gone, 0, 1, "x"},
		{"an id that is not live", "@alice", 9, Gone, 0, 1, "y"},
	}
	for _, tt := range tests {
		if got := m.RouteTo(tt.to, tt.id, []byte(tt.frame)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
		if len(a.frames()) != tt.gotA || len(b.frames()) != tt.gotB {
			t.Errorf("%s: connections got %q and %q", tt.name, a.frames(), b.frames())
		}
	}
	m.Attach("@carol", &endpoint{id: 1, room: -1})
	if got := m.RouteTo("@carol", 1, []byte("z")); got != Dropped {
		t.Errorf("to a busy connection: got %v, want dropped", got)
	}
	if got := m.Route("@nobody", []byte("q")); got != Queued {
		t.Errorf("to a name with no connection: got %v, want queued", got)
	}
}
