package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fixed returns a Jitter that always picks the given fraction of n.
func fixed(num, den time.Duration) func(time.Duration) time.Duration {
	return func(n time.Duration) time.Duration { return (n - 1) * num / den }
}

func TestNext(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		jitter func(time.Duration) time.Duration
		want   []time.Duration
	}{
		{"defaults, lowest jitter", Policy{}, fixed(0, 1),
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 15 * time.Second}},
		{"defaults, highest jitter", Policy{}, fixed(1, 1),
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}},
		{"small cap", Policy{Base: 100 * time.Millisecond, Max: 300 * time.Millisecond}, fixed(1, 1),
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}},
		{"tiny base", Policy{Base: 1, Max: 1}, fixed(1, 1), []time.Duration{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.policy)
			b.Jitter = tt.jitter
			for i, want := range tt.want {
				if got := b.Next(); got != want {
					t.Fatalf("delay %d: got %v, want %v", i, got, want)
				}
			}
		})
	}
}

// TestNextBounds checks the first retry comes within a second and no
// delay passes the cap, with the real random source, long after the
// shift would overflow.
func TestNextBounds(t *testing.T) {
	b := New(Policy{})
	if got := b.Next(); got < 500*time.Millisecond || got > time.Second {
		t.Fatalf("got first delay %v, want 0.5s..1s", got)
	}
	for i := range 200 {
		if got := b.Next(); got < DefaultMax/2 && i > 10 || got > DefaultMax {
			t.Fatalf("delay %d: got %v, want at most %v and at least half of it once capped", i, got, DefaultMax)
		}
	}
}

func TestEnded(t *testing.T) {
	tests := []struct {
		name  string
		upFor time.Duration
		want  time.Duration
	}{
		{"dropped at once keeps growing", time.Second, 4 * time.Second},
		{"held long enough starts over", DefaultResetAfter, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(Policy{})
			b.Jitter = fixed(1, 1)
			b.Next()
			b.Next()
			b.Ended(tt.upFor)
			if got := b.Next(); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWait(t *testing.T) {
	b := New(Policy{Base: time.Millisecond, Max: time.Millisecond})
	if err := b.Wait(context.Background()); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	if got := b.Attempts(); got != 1 {
		t.Errorf("got %d attempts, want 1", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := New(Policy{Base: time.Hour, Max: time.Hour})
	if err := slow.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
