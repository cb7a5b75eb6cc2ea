package ratelimit

import (
	"sync"
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name  string
		rate  float64
		burst int
		at    []time.Duration // offsets from t0 of each call
		want  []bool
	}{
		{"burst then refused", 1, 3, []time.Duration{0, 0, 0, 0}, []bool{true, true, true, false}},
		{"refills at the rate", 10, 1, []time.Duration{0, 0, 50 * time.Millisecond, 100 * time.Millisecond}, []bool{true, false, false, true}},
		{"refill capped at burst", 100, 2, []time.Duration{0, 0, time.Hour, time.Hour, time.Hour}, []bool{true, true, true, true, false}},
		{"clock going back earns nothing", 1, 1, []time.Duration{time.Second, 0, 0}, []bool{true, false, false}},
		{"zero rate is unlimited", 0, 1, []time.Duration{0, 0, 0}, []bool{true, true, true}},
		{"burst below one is one", 1, 0, []time.Duration{0, 0}, []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.rate, tt.burst)
			for i, d := range tt.at {
				if got := b.Allow(t0.Add(d)); got != tt.want[i] {
					t.Errorf("call %d at +%v: got %v, want %v", i, d, got, tt.want[i])
				}
			}
		})
	}
}

func TestBucketConcurrent(t *testing.T) {
	b := New(1, 50)
	now := time.Unix(1000, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 10 {
		wg.Go(func() {
			for range 20 {
				if b.Allow(now) {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Errorf("got %d allowed, want the burst of 50", allowed)
	}
}
