package relayclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// held is a sealed message waiting to be written.
type held struct {
	to     identity.Name
	conn   wire.ConnID        // 0: the name; else that connection of it
	key    identity.PublicKey // the key it is sealed to, which the relay checks
	sealed []byte
	time   int64 // the message's own time, Unix ms: its age decides its fate
	status chan wire.SendResult
}

// pendingSend is a message written, whose SendStatus has not come yet.
type pendingSend struct {
	to     identity.Name
	status chan wire.SendResult // nil when nobody waits for it
}

// Send seals m for to and hands it to the relay. The recipient's key comes
// from the pins, or from the relay (pinned on first use), which needs the
// connection. While the connection is down the sealed message is held,
// up to QueueLimit of them, and sent after the reconnection unless it is
// older than QueueTTL by then. A nil error means the message was written
// or held, not that it arrived: a message written to a connection that
// dies before the relay reads it is lost, which is why requests have
// timeouts.
func (c *Client) Send(ctx context.Context, to identity.Name, m wire.Message) error {
	return c.send(ctx, to, 0, m, nil)
}

// Reply sends m to the connection in came from, so that the answer
// reaches the process that asked and no other of its identity. Nothing
// is queued for a connection: if it is gone, so is the answer.
func (c *Client) Reply(ctx context.Context, in Incoming, m wire.Message) error {
	return c.send(ctx, in.From, in.Conn, m, nil)
}

// send is Send to connection conn of to (0: the name), with a channel for
// the relay's SendStatus.
func (c *Client) send(ctx context.Context, to identity.Name, conn wire.ConnID, m wire.Message, status chan wire.SendResult) error {
	if len(m.Body) > wire.MaxBodyLen {
		return fmt.Errorf("relayclient: %v message to %s: %d-byte body, the most is %d", m.Type, to, len(m.Body), wire.MaxBodyLen)
	}
	key, err := c.Lookup(ctx, to)
	if err != nil {
		return err
	}
	return c.post(held{to: to, conn: conn, key: key, sealed: c.sealerFor(key).Seal(m), time: m.Time, status: status})
}

// post writes h on the live connection, or holds it for the next one.
func (c *Client) post(h held) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	select {
	case <-c.done:
		return ErrStopped
	default:
	}
	if l := c.current(); l != nil {
		err := c.write(l, h)
		if err == nil || errors.Is(err, relayconn.ErrTooLarge) {
			return err
		}
		// The connection failed under the write: the next one takes it.
		// A copy that did get through is dropped by the receiver's replay
		// guard.
	}
	return c.hold(h)
}

// write sends h on l, with a send id so that the relay's status comes
// back to h's waiter, if any.
func (c *Client) write(l *link, h held) error {
	c.mu.Lock()
	id := c.allocID()
	c.sends[id] = pendingSend{to: h.to, status: h.status}
	c.mu.Unlock()
	err := l.conn.Send(id, h.to, h.conn, h.key, h.sealed)
	if err != nil {
		c.mu.Lock()
		delete(c.sends, id)
		c.mu.Unlock()
	}
	return err
}

// hold queues h until the connection is back.
func (c *Client) hold(h held) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = c.dropExpired(c.held, time.Now())
	if len(c.held) >= c.cfg.QueueLimit {
		return fmt.Errorf("%w: not connected to relay %s and %d messages are waiting already: try again once connected",
			ErrQueueFull, c.addr, len(c.held))
	}
	c.held = append(c.held, h)
	c.log.Debug("holding a message until the relay connection is back", "to", h.to, "held", len(c.held))
	return nil
}

// dropExpired returns q without the messages older than QueueTTL at now:
// by the time they arrived the receiver would refuse them as stale.
func (c *Client) dropExpired(q []held, now time.Time) []held {
	keep := q[:0]
	for _, h := range q {
		if age := now.Sub(time.UnixMilli(h.time)); age > c.cfg.QueueTTL {
			c.log.Warn("dropped a message held too long for the relay connection", "to", h.to, "age", age.Round(time.Second))
			continue
		}
		keep = append(keep, h)
	}
	clear(q[len(keep):])
	return keep
}

// flush writes the held messages on l, oldest first. c.sendMu is held.
// If l fails meanwhile, the rest waits for the next connection.
func (c *Client) flush(l *link) {
	c.mu.Lock()
	q := c.dropExpired(c.held, time.Now())
	c.held = nil
	c.mu.Unlock()
	for i, h := range q {
		err := c.write(l, h)
		if errors.Is(err, relayconn.ErrTooLarge) {
			c.log.Warn("dropped a held message larger than the relay accepts", "to", h.to, "err", err)
		} else if err != nil {
			c.mu.Lock()
			c.held = append(q[i:], c.held...)
			c.mu.Unlock()
			return
		}
	}
	if len(q) > 0 {
		c.log.Debug("sent the messages held while disconnected", "count", len(q))
	}
}

// sendStatus routes the relay's verdict on a Send to its waiter and logs
// what a sender should know.
func (c *Client) sendStatus(s wire.SendStatus) {
	c.mu.Lock()
	p, ok := c.sends[s.SendID]
	delete(c.sends, s.SendID)
	c.mu.Unlock()
	if !ok {
		return
	}
	switch s.Status {
	case wire.SendQueued:
		c.log.Debug("recipient offline: the relay holds the message for it until its time to live", "to", p.to)
	case wire.SendUnknownRecipient:
		c.log.Warn("message not delivered", "err", &UnknownNameError{Name: p.to, Relay: c.addr})
	case wire.SendDropped:
		c.log.Warn("the relay dropped a message: the recipient is busy", "to", p.to)
	case wire.SendOverRate:
		c.log.Warn("the relay dropped a message: this identity sends faster than the relay allows", "to", p.to)
	case wire.SendUnavailable:
		c.log.Warn("the relay dropped a message: it has lost its cluster and cannot route", "to", p.to)
	case wire.SendKeyMismatch:
		c.log.Warn("the relay knows another key for the recipient than the one pinned here", "to", p.to, "file", c.known.Path())
	case wire.SendGone:
		c.log.Debug("the recipient's connection ended before the answer", "to", p.to)
	}
	if p.status != nil {
		p.status <- s.Status // buffered for this one status
	}
}
