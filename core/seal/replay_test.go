package seal

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// at returns a message with a new ID dated t.
func at(t time.Time) wire.Message {
	return wire.Message{Type: wire.MsgPing, ID: session.NewID(), Time: t.UnixMilli()}
}

func TestReplayGuard(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	g := NewReplayGuard(0)
	seen := at(now)
	if err := g.Check("@alice", seen, now); err != nil {
		t.Fatalf("first Check: %v", err)
	}
	tests := []struct {
		name   string
		sender string
		m      wire.Message
		now    time.Time
		want   error
	}{
		{"fresh", "@alice", at(now), now, nil},
		{"duplicate", "@alice", seen, now, ErrReplay},
		{"duplicate later", "@alice", seen, now.Add(DefaultWindow), ErrReplay},
		{"same id other sender", "@bob", seen, now, nil},
		{"stale", "@alice", at(now.Add(-DefaultWindow - time.Millisecond)), now, ErrStale},
		{"edge of the past", "@alice", at(now.Add(-DefaultWindow)), now, nil},
		{"future", "@alice", at(now.Add(DefaultWindow + time.Millisecond)), now, ErrFuture},
		{"edge of the future", "@alice", at(now.Add(DefaultWindow)), now, nil},
		{"far future", "@alice", wire.Message{ID: session.NewID(), Time: math.MaxInt64}, now, ErrFuture},
		{"far past", "@alice", wire.Message{ID: session.NewID(), Time: math.MinInt64}, now, ErrStale},
		{"replay after window", "@alice", seen, now.Add(DefaultWindow + time.Millisecond), ErrStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := g.Check(tt.sender, tt.m, tt.now)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReplayGuardPrunes(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	g := NewReplayGuard(time.Minute)
	for i := range 100 {
		if err := g.Check("@alice", at(now.Add(time.Duration(i)*time.Millisecond)), now); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.Len(); n != 100 {
		t.Fatalf("got %d entries, want 100", n)
	}
	later := now.Add(time.Minute + 50*time.Millisecond)
	if err := g.Check("@alice", at(later), later); err != nil {
		t.Fatal(err)
	}
	if n := g.Len(); n != 51 {
		t.Errorf("got %d entries after half expired, want 51 (the 50 still in the window and the new one)", n)
	}
}

// TestReplayGuardCap fills the guard past its cap: the oldest are forgotten
// but their replays are still refused, as stale.
func TestReplayGuardCap(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	g := NewReplayGuard(time.Minute)
	g.max = 10
	var msgs []wire.Message
	for i := range 15 {
		m := at(now.Add(-time.Duration(30-i) * time.Second))
		msgs = append(msgs, m)
		if err := g.Check("@alice", m, now); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if n := g.Len(); n != 10 {
		t.Errorf("got %d entries, want the cap 10", n)
	}
	for i, m := range msgs {
		want := ErrReplay
		if i < 5 {
			want = ErrStale
		}
		if err := g.Check("@alice", m, now); !errors.Is(err, want) {
			t.Errorf("message %d again: got %v, want %v", i, err, want)
		}
	}
	if err := g.Check("@alice", at(now), now); err != nil {
		t.Errorf("got %v for a fresh message after the flood, want nil", err)
	}
}

func TestReplayGuardConcurrent(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	g := NewReplayGuard(0)
	m := at(now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := range 16 {
		wg.Go(func() {
			if g.Check("@alice", m, now) == nil {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
			_ = g.Check(fmt.Sprintf("@n%d", i), at(now), now)
		})
	}
	wg.Wait()
	if accepted != 1 {
		t.Errorf("got %d accepted copies of one message, want 1", accepted)
	}
}

// timeOf returns the date of m.
func timeOf(m wire.Message) time.Time { return time.UnixMilli(m.Time) }

func TestReplayGuardRestore(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	last := at(now.Add(-time.Second))
	g := NewReplayGuard(0)
	g.Restore(map[string]int64{"@alice": last.Time})
	tests := []struct {
		name   string
		sender string
		m      wire.Message
		want   error
	}{
		{"the last message accepted before the restart", "@alice", last, ErrReplay},
		{"an older one with a new id", "@alice", at(now.Add(-time.Minute)), ErrReplay},
		{"a newer one", "@alice", at(now.Add(-time.Millisecond)), nil},
		{"another sender's old one", "@bob", at(now.Add(-time.Minute)), nil},
	}
	for _, tt := range tests {
		if err := g.Check(tt.sender, tt.m, now); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	// Once the floor is out of the window it is forgotten.
	g.Check("@carol", at(now.Add(DefaultWindow+2*time.Second)), now.Add(DefaultWindow+2*time.Second))
	g.mu.Lock()
	n := len(g.restored)
	g.mu.Unlock()
	if n != 0 {
		t.Errorf("got %d restored floors a window later, want none", n)
	}
}
