// Package ratelimit is a token bucket: a steady rate with room for a
// burst. The relay uses one per identity to bound the messages it sends.
package ratelimit

import (
	"sync"
	"time"
)

// Bucket allows Rate events per second on average and up to Burst at once.
// It is safe for concurrent use. The caller passes the time, so a test
// drives it with a fake clock and a busy caller reads the clock once.
type Bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second; 0 means no limit
	burst  float64
	tokens float64
	last   time.Time
}

// New returns a full bucket. A rate of zero or less means no limit; a
// burst below one is one, since a bucket that never holds a whole token
// would refuse everything.
func New(rate float64, burst int) *Bucket {
	b := &Bucket{rate: max(rate, 0), burst: float64(max(burst, 1))}
	b.tokens = b.burst
	return b
}

// Allow takes one token if there is one at now and reports whether it did.
func (b *Bucket) Allow(now time.Time) bool {
	if b.rate == 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refill adds the tokens earned since the last call, up to the burst. A
// clock that went backwards earns nothing, rather than a negative amount.
func (b *Bucket) refill(now time.Time) {
	if !b.last.IsZero() {
		if elapsed := now.Sub(b.last); elapsed > 0 {
			b.tokens = min(b.burst, b.tokens+elapsed.Seconds()*b.rate)
		}
	}
	if now.After(b.last) {
		b.last = now
	}
}
