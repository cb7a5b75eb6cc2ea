//go:build linux

package attack

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

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

// run connects, then sends the pulses of plan.
func (s *sender) run(ctx context.Context, plan pulsePlan) {
	defer s.disconnect()
	var err error
	if s.id, err = freshIdentity("@flood"); err != nil {
		s.t.failed(err)
		return
	}
	if !s.connected(ctx) {
		return
	}
	for i := range plan.pulses {
		if !pause(ctx, time.Until(plan.at(i))) || !s.burst(ctx, plan.size(i)) {
			return
		}
	}
	if s.conn != nil {
		s.conn.settle(ctx)
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
	done     chan struct{} // closed when the reader has returned
	sent     int64         // sends that asked for a status, by the sender
	answered atomic.Int64  // statuses read, by the reader
	progress chan struct{} // a status came since the last look
}

func watch(l *link, t *tally) *watched {
	w := &watched{link: l, done: make(chan struct{}), progress: make(chan struct{}, 1)}
	go func() {
		defer close(w.done)
		l.statuses(func(r wire.SendResult) {
			countStatus(r, t)
			w.answered.Add(1)
			select {
			case w.progress <- struct{}{}:
			default:
			}
		})
	}()
	return w
}

// send is link.send, counted for settle.
func (w *watched) send(sendID uint32, to identity.Name, sealed []byte) error {
	w.sent++
	return w.link.send(sendID, to, sealed)
}

// settle waits until the relay has answered every send, the link ends,
// or ctx does, so that the last statuses are counted.
func (w *watched) settle(ctx context.Context) {
	for w.answered.Load() < w.sent {
		select {
		case <-w.progress:
		case <-w.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

// stop closes the link and waits for its reader.
func (w *watched) stop() {
	w.close()
	<-w.done
}
