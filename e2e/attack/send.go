//go:build linux

package attack

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/identity"
)

// Defaults of a SendFlood.
const (
	DefaultSenders   = 20
	DefaultMessages  = 2000
	DefaultPulses    = 10
	DefaultMaxSealed = 1 << 10
	// reconnectPause is how long a sender waits before it connects again
	// after the relay refused or dropped it.
	reconnectPause = 250 * time.Millisecond
)

// SendFlood connects Senders fresh identities to the relay, and has each
// send Messages well-formed Send frames to To whose envelopes are random
// bytes of a valid sealed length: frames the relay must carry, envelopes
// To cannot open. Each sender sends its messages in Pulses bursts, as
// fast as the socket takes them, spread evenly over the duration, so
// that the flood lasts as long as the attack; a sender the relay drops
// connects again.
type SendFlood struct {
	Relay    string
	RelayKey identity.PublicKey
	To       identity.Name
	Senders  int // DefaultSenders if 0
	Messages int // per sender, DefaultMessages if 0
	Pulses   int // DefaultPulses if 0; 1 sends everything at once
	// MaxSealed bounds the envelopes, from wire.MinSealedLen up to
	// wire.MaxSealedLen; DefaultMaxSealed if 0.
	MaxSealed int
	Sources   Sources // sender i dials from the i-th
	// Bounds: Count is frames in all, Senders×Messages if 0.
	Bounds Bounds
	readiness
}

// Run floods until its bounds end it. Attempts counts Send frames;
// Accepted the sends the relay answered delivered or queued, Dropped
// those it dropped; Refused, Closed and Errors also count the senders'
// handshakes and the connections they lost. Ready is closed once every
// sender has been welcomed.
func (f *SendFlood) Run(ctx context.Context) Counters {
	defer f.markReady()
	senders, messages := orDefault(f.Senders, DefaultSenders), orDefault(f.Messages, DefaultMessages)
	bounds := f.Bounds.withDefaults(senders * messages)
	plan := pulsePlan{start: time.Now(), duration: bounds.Duration, pulses: orDefault(f.Pulses, DefaultPulses), messages: messages}
	ctx, cancel, bud := bounds.start(ctx)
	defer cancel()
	var (
		t        tally
		wg       sync.WaitGroup
		welcomed atomic.Int64
	)
	for i := range senders {
		wg.Go(func() {
			s := &sender{f: f, src: i, t: &t, bud: bud, envelope: randomBytes(f.maxSealed())}
			s.welcomed = sync.OnceFunc(func() {
				if welcomed.Add(1) == int64(senders) {
					f.markReady()
				}
			})
			s.run(ctx, plan)
		})
	}
	wg.Wait()
	return t.snapshot()
}

func (f *SendFlood) maxSealed() int {
	if f.MaxSealed <= 0 {
		return DefaultMaxSealed
	}
	return min(max(f.MaxSealed, minSealed), maxSealed)
}

func orDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// pulsePlan spreads each sender's messages over the duration in pulses.
type pulsePlan struct {
	start    time.Time
	duration time.Duration
	pulses   int
	messages int // per sender
}

// at is when pulse p starts.
func (p pulsePlan) at(i int) time.Time {
	return p.start.Add(time.Duration(i) * p.duration / time.Duration(p.pulses))
}

// size is how many messages pulse i sends.
func (p pulsePlan) size(i int) int {
	return p.messages*(i+1)/p.pulses - p.messages*i/p.pulses
}
