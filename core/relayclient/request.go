package relayclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// waitKey names the answer a Request waits for: the first message from
// its recipient in its session.
type waitKey struct {
	from    identity.Name
	session [16]byte
}

// Request sends m to to and returns the first message from to in the same
// session (m.Session, which must be set). That answer goes to the caller
// only, not to Messages. The request fails early when the relay says to
// is unknown or dropped the message; when ctx ends first the error is a
// *NoAnswerError, which says what to check.
func (c *Client) Request(ctx context.Context, to identity.Name, m wire.Message) (Incoming, error) {
	if m.Session == ([16]byte{}) {
		return Incoming{}, errors.New("relayclient: a request needs a session id to match its answer: set Message.Session")
	}
	k := waitKey{from: to, session: m.Session}
	answer := make(chan Incoming, 1)
	c.mu.Lock()
	if _, dup := c.waits[k]; dup {
		c.mu.Unlock()
		return Incoming{}, fmt.Errorf("relayclient: a request to %s in this session is waiting already", to)
	}
	c.waits[k] = answer
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waits, k)
		c.mu.Unlock()
	}()

	start := time.Now()
	status := make(chan wire.SendResult, 1)
	queued := false
	if err := c.send(ctx, to, m, status); err != nil {
		if ctx.Err() != nil {
			return Incoming{}, c.noAnswer(ctx, to, start, queued)
		}
		return Incoming{}, err
	}
	for {
		select {
		case in := <-answer:
			return in, nil
		case s := <-status:
			if err := c.statusError(to, s); err != nil {
				return Incoming{}, err
			}
			queued = queued || s == wire.SendQueued
		case <-c.done:
			return Incoming{}, ErrStopped
		case <-ctx.Done():
			return Incoming{}, c.noAnswer(ctx, to, start, queued)
		}
	}
}

// statusError is the error a Request ends with for a SendStatus, nil for
// one that leaves it waiting.
func (c *Client) statusError(to identity.Name, s wire.SendResult) error {
	switch s {
	case wire.SendUnknownRecipient:
		return &UnknownNameError{Name: to, Relay: c.addr}
	case wire.SendDropped:
		return fmt.Errorf("%w to %s: its queue on relay %s is full, or you send too fast: try again later", ErrDropped, to, c.addr)
	}
	return nil
}

// noAnswer is the error of a request whose ctx ended: a *NoAnswerError
// for a deadline, the plain cancellation otherwise.
// queued says the relay held the request because to was not connected.
func (c *Client) noAnswer(ctx context.Context, to identity.Name, start time.Time, queued bool) error {
	cause := context.Cause(ctx)
	if !errors.Is(cause, context.DeadlineExceeded) {
		return fmt.Errorf("request to %s: %w", to, cause)
	}
	after := time.Since(start)
	if d, ok := ctx.Deadline(); ok {
		after = d.Sub(start)
	}
	if after >= time.Second {
		after = after.Round(time.Second)
	} else {
		after = after.Round(time.Millisecond)
	}
	return &NoAnswerError{To: to, After: after, Relay: c.addr, Connected: c.current() != nil, Offline: queued, Cause: cause}
}
