package relayclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// waitKey names the answer a Request waits for: the first message from
// its recipient in its session.
type waitKey struct {
	from    identity.Name
	session [16]byte
}

// Bounds on asking again after a "busy" answer.
const (
	// minRetry and maxRetry bound the wait a busy peer asks for.
	minRetry = 10 * time.Millisecond
	maxRetry = 5 * time.Second
)

// Request sends m to to and returns the first message from to in the same
// session (m.Session, which must be set). That answer goes to the caller
// only, not to Messages. A peer that answers it is busy (wire.RefusalBusy)
// is asked again, with a fresh message, after the wait it names, and so
// is one the relay says is busy, or that this identity sends too fast
// for. The request fails early when the relay says to is unknown or has
// another key than the one pinned; when ctx ends first the error is the
// relay's last refusal, or a *NoAnswerError, which says what to check.
func (c *Client) Request(ctx context.Context, to identity.Name, m wire.Message) (Incoming, error) {
	return c.request(ctx, &request{c: c, to: to, start: time.Now()}, m)
}

// RequestOnline is Request for a peer that is of use only while it is
// connected, such as a rendezvous: once the relay says it holds the
// message because to is not connected, the request waits offlineGrace
// more (to may be reconnecting) and then ends with a *NoAnswerError whose
// Offline is set, so that the caller can turn to another peer.
func (c *Client) RequestOnline(ctx context.Context, to identity.Name, m wire.Message, offlineGrace time.Duration) (Incoming, error) {
	return c.request(ctx, &request{c: c, to: to, start: time.Now(), offlineGrace: offlineGrace}, m)
}

func (c *Client) request(ctx context.Context, r *request, m wire.Message) (Incoming, error) {
	to := r.to
	if m.Session == ([16]byte{}) {
		return Incoming{}, errors.New("relayclient: a request needs a session id to match its answer: set Message.Session")
	}
	for {
		in, err := r.once(ctx, m)
		wait, again := retryAfter(err)
		if err == nil {
			wait, again = busyFor(in)
			if !again {
				return in, nil
			}
		} else if !again {
			return Incoming{}, err
		}
		c.log.Debug("the peer or the relay is busy: asking again", "to", to, "after", wait)
		if sleep(ctx, wait) != nil {
			if err != nil {
				return Incoming{}, err
			}
			return Incoming{}, r.noAnswer(ctx)
		}
		m.ID, m.Time = session.NewID(), time.Now().UnixMilli()
	}
}

// retryError is a refusal by the relay that goes away by itself: the
// request is sent again after the wait.
type retryError struct {
	err  error
	wait time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// retryAfter reports whether err is worth sending again for, and after
// how long.
func retryAfter(err error) (time.Duration, bool) {
	if r, ok := errors.AsType[*retryError](err); ok {
		return r.wait, true
	}
	return 0, false
}

// The waits before sending again what the relay refused: a busy
// recipient drains in moments, a rate refills in about a second.
const (
	busyRelayRetry = 100 * time.Millisecond
	overRateRetry  = time.Second
)

// request is one Request, across its attempts.
type request struct {
	c      *Client
	to     identity.Name
	start  time.Time
	queued bool // the relay held a message of it: to was not connected
	// offlineGrace, if set, ends the request this long after the relay
	// held a message of it (RequestOnline).
	offlineGrace time.Duration
}

// once sends m and waits for the answer.
func (r *request) once(ctx context.Context, m wire.Message) (Incoming, error) {
	c := r.c
	k := waitKey{from: r.to, session: m.Session}
	answer := make(chan Incoming, 1)
	release, err := c.await(k, func() { c.waits[k] = answer }, func() { delete(c.waits, k) })
	if err != nil {
		return Incoming{}, err
	}
	defer release()
	status := make(chan wire.SendResult, 1)
	if err := r.send(ctx, m, status); err != nil {
		return Incoming{}, err
	}
	var offline <-chan time.Time
	for {
		select {
		case in := <-answer:
			return in, nil
		case s := <-status:
			if err := r.statusError(ctx, s); err != nil {
				return Incoming{}, err
			}
			r.queued = r.queued || s == wire.SendQueued
			if r.queued && r.offlineGrace > 0 && offline == nil {
				t := time.NewTimer(r.offlineGrace)
				defer t.Stop()
				offline = t.C
			}
		case <-offline:
			return Incoming{}, r.noAnswerAt(time.Now(), context.DeadlineExceeded)
		case <-c.done:
			return Incoming{}, ErrStopped
		case <-ctx.Done():
			return Incoming{}, r.noAnswer(ctx)
		}
	}
}

// await registers, by add, what waits for the answers to a message of
// key k, a Request's channel or a Gather's gathering, and returns the
// release that removes it, by remove. One of either kind waits for a key
// at a time, or the answers could go to the wrong one.
func (c *Client) await(k waitKey, add, remove func()) (release func(), err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, waiting := c.waits[k]
	if _, gathering := c.gathers[k]; waiting || gathering {
		return nil, fmt.Errorf("relayclient: a request to %s in this session is waiting already", k.from)
	}
	add()
	return func() {
		c.mu.Lock()
		remove()
		c.mu.Unlock()
	}, nil
}

// send sends m to r.to, the relay's verdict to come on status; a send cut
// short by ctx is the request's *NoAnswerError.
func (r *request) send(ctx context.Context, m wire.Message, status chan wire.SendResult) error {
	err := r.c.send(ctx, r.to, 0, m, status)
	if err != nil && ctx.Err() != nil {
		return r.noAnswer(ctx)
	}
	return err
}

// busyFor reports whether in says its sender is busy, and how long to
// wait before asking again.
func busyFor(in Incoming) (time.Duration, bool) {
	if in.Msg.Type != wire.MsgRefusal {
		return 0, false
	}
	var body wire.RefusalBody
	if wire.DecodeBody(in.Msg, &body) != nil || body.Code != wire.RefusalBusy {
		return 0, false
	}
	return min(max(time.Duration(body.RetryAfterMillis)*time.Millisecond, minRetry), maxRetry), true
}

// statusError is the error a Request ends with for a SendStatus, nil for
// one that leaves it waiting.
func (r *request) statusError(ctx context.Context, s wire.SendResult) error {
	c := r.c
	switch s {
	case wire.SendUnknownRecipient:
		return &UnknownNameError{Name: r.to, Relay: c.addr}
	case wire.SendDropped:
		return &retryError{fmt.Errorf("%w to %s: it is busy on relay %s, or its queue there is full: try again shortly", ErrDropped, r.to, c.addr), busyRelayRetry}
	case wire.SendOverRate:
		return &retryError{fmt.Errorf("%w to %s: %s sends faster than relay %s allows: try again shortly", ErrDropped, r.to, c.cfg.Identity.Name, c.addr), overRateRetry}
	case wire.SendUnavailable:
		return &retryError{fmt.Errorf("%w to %s: relay %s has lost its cluster and cannot route: try again shortly", ErrDropped, r.to, c.addr), busyRelayRetry}
	case wire.SendKeyMismatch:
		return c.keyChanged(ctx, r.to)
	}
	return nil
}

// noAnswer is the error of a request whose ctx ended: a *NoAnswerError
// for a deadline, the plain cancellation otherwise.
func (r *request) noAnswer(ctx context.Context) error {
	cause := context.Cause(ctx)
	if !errors.Is(cause, context.DeadlineExceeded) {
		return fmt.Errorf("request to %s: %w", r.to, cause)
	}
	end := time.Now()
	if d, ok := ctx.Deadline(); ok {
		end = d
	}
	return r.noAnswerAt(end, cause)
}

// noAnswerAt is the *NoAnswerError of a request that gave up at end.
func (r *request) noAnswerAt(end time.Time, cause error) error {
	after := end.Sub(r.start)
	if after >= time.Second {
		after = after.Round(time.Second)
	} else {
		after = after.Round(time.Millisecond)
	}
	c := r.c
	return &NoAnswerError{To: r.to, After: after, Relay: c.addr, Connected: c.current() != nil, Offline: r.queued, Cause: cause}
}
