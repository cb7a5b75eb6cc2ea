package seal

import (
	"container/heap"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nport/nport/wire"
)

// DefaultWindow is the freshness window of a ReplayGuard: wide enough for
// clocks a little apart and a message queued briefly at a relay.
const DefaultWindow = 2 * time.Minute

// MaxEntries caps the IDs a ReplayGuard remembers: about 12 MiB when full,
// which only a flood of authentic messages from known senders can reach.
const MaxEntries = 100_000

// Errors from ReplayGuard.Check, checked with errors.Is.
var (
	// ErrReplay means the message was seen before: drop it.
	ErrReplay = errors.New("seal: message seen before (replay)")
	// ErrStale means the message is older than the window.
	ErrStale = errors.New("seal: message too old")
	// ErrFuture means the message is dated further ahead than the window.
	ErrFuture = errors.New("seal: message from the future")
)

// ReplayGuard drops messages seen before from the same sender and
// messages dated outside a window around now. Each ID is kept until its
// message would be refused on time anyway, which is what bounds memory.
// It is safe for concurrent use.
//
// When more than the cap is kept (a flood), the entries closest to
// leaving go first, and the guard raises a floor: from then on it refuses
// as stale every message dated no later than the last one it forgot.
// A replay of a forgotten message is therefore still refused, on time, and
// the only cost of a flood is that messages among the oldest in the window
// are refused: they are sent again, fresh, by the retry of their sender.
type ReplayGuard struct {
	window time.Duration
	max    int

	mu    sync.Mutex
	seen  map[seenKey]struct{}
	queue expiryHeap
	floor int64 // messages dated at or before it (Unix ms) are refused

	// restored holds, per sender, the date of the latest message accepted
	// before a restart (Unix ms): anything dated at or before it may have
	// been acted on, and is refused.
	restored map[string]int64
}

// seenKey names one message of one sender.
type seenKey struct {
	sender string
	id     [16]byte
}

// NewReplayGuard returns a guard with the given window (DefaultWindow if
// zero or less).
func NewReplayGuard(window time.Duration) *ReplayGuard {
	if window <= 0 {
		window = DefaultWindow
	}
	return &ReplayGuard{window: window, max: MaxEntries, seen: make(map[seenKey]struct{}), floor: -1 << 63}
}

// Check returns nil and remembers m if m from sender (the identity name the
// relay delivered it from) is fresh and new at now, ErrStale or ErrFuture
// if its time is outside the window, and ErrReplay if it was seen before.
func (g *ReplayGuard) Check(sender string, m wire.Message, now time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.prune(now.UnixMilli())
	// Times are compared, not subtracted: a Duration saturates, and a
	// date far in the future must not wrap around into the window.
	sent := time.UnixMilli(m.Time)
	switch {
	case sent.Before(now.Add(-g.window)) || m.Time <= g.floor:
		return fmt.Errorf("%w: sent %v ago, outside the %v window (is the sender's clock right?)", ErrStale, now.Sub(sent).Round(time.Second), g.window)
	case sent.After(now.Add(g.window)):
		return fmt.Errorf("%w: dated %v ahead, outside the %v window (is the sender's clock right?)", ErrFuture, sent.Sub(now).Round(time.Second), g.window)
	}
	if f, ok := g.restored[sender]; ok && m.Time <= f {
		return fmt.Errorf("%w: %s from %s is dated before the last message accepted from it before a restart", ErrReplay, hexID(m.ID), sender)
	}
	k := seenKey{sender: sender, id: m.ID}
	if _, dup := g.seen[k]; dup {
		return fmt.Errorf("%w: %s from %s", ErrReplay, hexID(m.ID), sender)
	}
	g.seen[k] = struct{}{}
	heap.Push(&g.queue, entry{key: k, sent: m.Time, until: sent.Add(g.window).UnixMilli()})
	for len(g.seen) > g.max {
		g.forget()
	}
	return nil
}

// Restore makes the guard refuse, per sender, every message dated at or
// before floors[sender] (Unix ms): the latest message a previous process
// accepted from it, so that no message it may have acted on is acted on
// again after a restart. Senders new since then are not affected.
func (g *ReplayGuard) Restore(floors map[string]int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.restored == nil {
		g.restored = make(map[string]int64, len(floors))
	}
	for s, f := range floors {
		g.restored[s] = max(g.restored[s], f)
	}
}

// prune forgets every message that is now refused on time anyway.
func (g *ReplayGuard) prune(nowMs int64) {
	for len(g.queue) > 0 && g.queue[0].until < nowMs {
		e := heap.Pop(&g.queue).(entry)
		delete(g.seen, e.key)
	}
	for s, f := range g.restored {
		if f < nowMs-g.window.Milliseconds() {
			delete(g.restored, s) // refused on time anyway
		}
	}
}

// forget drops the entry closest to expiry before its time and raises the
// floor to its date, so that its replay is still refused.
func (g *ReplayGuard) forget() {
	e := heap.Pop(&g.queue).(entry)
	delete(g.seen, e.key)
	g.floor = max(g.floor, e.sent)
}

// Window returns the guard's freshness window.
func (g *ReplayGuard) Window() time.Duration { return g.window }

// Len returns how many message IDs the guard holds.
func (g *ReplayGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.seen)
}

// hexID formats a message ID for an error, in the GUID form.
func hexID(id [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:])
}
