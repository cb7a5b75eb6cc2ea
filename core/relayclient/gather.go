package relayclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Answer is one of the messages Gather collects.
type Answer struct {
	Incoming
	// RTT is the time from the send to the answer's arrival.
	RTT time.Duration
}

// maxGathered bounds the answers one Gather keeps: a fleet under one name
// is smaller, a flood is not worth the memory.
const maxGathered = 1024

// gathering collects the answers of one Gather as they arrive.
type gathering struct {
	start   time.Time
	mu      sync.Mutex
	answers []Answer
}

func (g *gathering) add(in Incoming) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.answers) < maxGathered {
		g.answers = append(g.answers, Answer{Incoming: in, RTT: time.Since(g.start)})
	}
}

func (g *gathering) take() []Answer {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.answers
}

// Gather sends m to to and collects every message from to in the same
// session (m.Session, which must be set) that arrives within window of
// the send, in the order they come: the relay gives a message to a
// device name to each of its connections, so a ping gathers an answer
// from each daemon under the name that chooses to answer. The answers go
// to the caller only, not to Messages. How many will come is not known,
// so Gather waits out the window; it ends early with an error when the
// relay says to is unknown, has another key than the one pinned, drops
// the message, or holds it because to is not connected (a *NoAnswerError
// whose Offline is set). When ctx ends first it returns what came, with
// the cause.
func (c *Client) Gather(ctx context.Context, to identity.Name, m wire.Message, window time.Duration) ([]Answer, error) {
	if m.Session == ([16]byte{}) {
		return nil, errors.New("relayclient: a gathering needs a session id to match its answers: set Message.Session")
	}
	k := waitKey{from: to, session: m.Session}
	r := &request{c: c, to: to, start: time.Now()}
	g := &gathering{start: r.start}
	release, err := c.await(k, func() { c.gathers[k] = g }, func() { delete(c.gathers, k) })
	if err != nil {
		return nil, err
	}
	defer release()
	status := make(chan wire.SendResult, 1)
	if err := r.send(ctx, m, status); err != nil {
		return nil, err
	}
	t := time.NewTimer(window)
	defer t.Stop()
	for {
		select {
		case s := <-status:
			if err := r.statusError(ctx, s); err != nil {
				return g.take(), err
			}
			if s == wire.SendQueued {
				r.queued = true
				return g.take(), r.noAnswerAt(time.Now(), context.DeadlineExceeded)
			}
		case <-t.C:
			return g.take(), nil
		case <-c.done:
			return g.take(), ErrStopped
		case <-ctx.Done():
			return g.take(), fmt.Errorf("answers from %s: %w", to, context.Cause(ctx))
		}
	}
}
