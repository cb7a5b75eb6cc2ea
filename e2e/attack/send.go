//go:build linux

package attack

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
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

// sender is one identity of a SendFlood.
type sender struct {
	f        *SendFlood
	src      int // its socket's index into the sources
	t        *tally
	bud      *budget
	envelope []byte // random bytes, cut to a random valid length per send
	welcomed func() // once welcomed for the first time
	id       identity.Identity
	seq      uint32
	conn     *watched // nil while not connected
}

// run sends the pulses of plan.
func (s *sender) run(ctx context.Context, plan pulsePlan) {
	defer s.disconnect()
	var err error
	if s.id, err = freshIdentity("@flood"); err != nil {
		s.t.failed(err)
		return
	}
	for i := range plan.pulses {
		if !pause(ctx, time.Until(plan.at(i))) || !s.burst(ctx, plan.size(i)) {
			return
		}
	}
}

// burst sends n frames as fast as the socket takes them, connecting again
// when the relay drops the sender. It reports false once the attack is
// over.
func (s *sender) burst(ctx context.Context, n int) bool {
	for n > 0 {
		if !s.connected(ctx) || !s.bud.take() {
			return false
		}
		s.t.attempt()
		s.seq++
		size := minSealed + rand.IntN(len(s.envelope)-minSealed+1)
		if err := s.conn.send(s.seq, s.f.To, s.envelope[:size]); err != nil {
			countEnd(ctx, err, s.t)
			s.disconnect()
			continue
		}
		n--
	}
	return true
}

// connected makes sure the sender has a welcomed link, trying again every
// reconnectPause, and reports false once ctx has ended.
func (s *sender) connected(ctx context.Context) bool {
	for s.conn == nil {
		nc, err := s.f.Sources.dial(ctx, s.src, s.f.Relay)
		if err == nil {
			var l *link
			if l, err = handshake(ctx, nc, s.id, s.f.RelayKey); err == nil {
				s.conn = watch(l, s.t)
				s.welcomed()
				return true
			}
		}
		countEnd(ctx, err, s.t)
		if !pause(ctx, reconnectPause) {
			return false
		}
	}
	return ctx.Err() == nil
}

func (s *sender) disconnect() {
	if s.conn != nil {
		s.conn.stop()
		s.conn = nil
	}
}

// watched is a link whose SendStatus frames are counted as they come.
type watched struct {
	*link
	done chan struct{}
}

func watch(l *link, t *tally) *watched {
	w := &watched{link: l, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		l.statuses(func(r wire.SendResult) { countStatus(r, t) })
	}()
	return w
}

// stop closes the link and waits for its reader.
func (w *watched) stop() {
	w.close()
	<-w.done
}
