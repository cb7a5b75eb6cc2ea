// Package backoff spaces out reconnection attempts: capped exponential
// backoff with jitter, so that a fleet of daemons that lost their relay at
// the same moment does not come back at the same moment either.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Defaults of a zero Policy field: the first retry comes within a second,
// the delay doubles up to about half a minute, and a connection that held
// for half a minute counts as a success.
const (
	DefaultBase       = time.Second
	DefaultMax        = 30 * time.Second
	DefaultResetAfter = 30 * time.Second
)

// Policy shapes the delays. The zero Policy uses the defaults.
type Policy struct {
	// Base is the ceiling of the first delay.
	Base time.Duration
	// Max caps every delay.
	Max time.Duration
	// ResetAfter is how long a connection must have been up for the next
	// failure to start again from Base.
	ResetAfter time.Duration
}

// Backoff hands out the delay before each retry. It is not safe for
// concurrent use: one reconnect loop owns it.
type Backoff struct {
	policy  Policy
	attempt int

	// Jitter returns a random duration in [0, n), n > 0. Tests replace it
	// to make the delays deterministic.
	Jitter func(n time.Duration) time.Duration
}

// New returns a Backoff that follows p.
func New(p Policy) *Backoff {
	if p.Base <= 0 {
		p.Base = DefaultBase
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.ResetAfter <= 0 {
		p.ResetAfter = DefaultResetAfter
	}
	return &Backoff{policy: p, Jitter: rand.N[time.Duration]}
}

// Next returns the delay before the next attempt and counts the attempt.
// It is "equal jitter": a ceiling that doubles from Base up to Max, and a
// delay drawn between half the ceiling and the ceiling, so retries are
// spread out but never come back-to-back.
func (b *Backoff) Next() time.Duration {
	ceiling := b.policy.Max
	if b.attempt < 32 && b.policy.Base<<b.attempt < b.policy.Max && b.policy.Base<<b.attempt > 0 {
		ceiling = b.policy.Base << b.attempt
	}
	b.attempt++
	half := ceiling / 2
	if half <= 0 {
		return ceiling
	}
	return ceiling - half + b.Jitter(half+1)
}

// Reset starts the next delay from Base again.
func (b *Backoff) Reset() { b.attempt = 0 }

// Attempts returns how many delays were handed out since the last reset.
func (b *Backoff) Attempts() int { return b.attempt }

// Ended tells the Backoff that a connection which was up for upFor has
// ended: a connection that held long enough was a success, and the next
// retry starts from Base. A connection that dropped at once does not reset
// the backoff, so a peer that accepts and then closes is not hammered.
func (b *Backoff) Ended(upFor time.Duration) {
	if upFor >= b.policy.ResetAfter {
		b.Reset()
	}
}

// Wait sleeps for Next, or until ctx is done, whose error it returns.
func (b *Backoff) Wait(ctx context.Context) error {
	t := time.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
