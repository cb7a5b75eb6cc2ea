package relayclient

import (
	"context"
	"errors"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// receive checks one envelope from the relay and delivers what survives:
// the sender's key must be its pin (pinned now if it has none), the
// envelope must open, and the message must be fresh and new. Anything
// else is dropped: a relay or a network cannot make this side act on a
// message its sender did not seal for it, or act twice on one.
func (c *Client) receive(r wire.Recv) {
	from, err := identity.ParseName(r.From)
	if err != nil {
		c.log.Debug("dropped a message with a bad sender name", "err", err)
		return
	}
	if c.cfg.Accept != nil && !c.cfg.Accept(from) {
		c.log.Debug("ignored a message from an identity this program does not serve", "from", from)
		return
	}
	key := identity.PublicKeyFromRaw(r.FromPub)
	if err := c.checkSender(from, key); err != nil {
		c.log.Warn("dropped a message whose sender's key is not the one pinned", "from", from, "err", err)
		return
	}
	m, err := c.sealerFor(key).Open(r.Sealed)
	if err != nil {
		c.log.Debug("dropped a message that does not open", "from", from, "err", err)
		return
	}
	if err := c.guard.Check(string(from), m, time.Now()); err != nil {
		level := c.log.Warn
		if errors.Is(err, seal.ErrReplay) {
			level = c.log.Debug // also a resend after a lost connection
		}
		level("dropped a message", "from", from, "type", m.Type, "err", err)
		return
	}
	in := Incoming{From: from, Conn: r.FromConn, Msg: m}
	if c.commits != nil {
		c.commits <- in // delivered once its date is in the state file
		return
	}
	c.deliver(in)
}

// commit writes the dates of accepted messages to the state file, many
// at a time, and delivers each message once its date is written, in the
// order they came. It returns when commits is closed and empty.
func (c *Client) commit() {
	batch := make([]Incoming, 0, 64)
	for in := range c.commits {
		batch = append(batch[:0], in)
	more:
		for len(batch) < cap(batch) {
			select {
			case in, ok := <-c.commits:
				if !ok {
					break more
				}
				batch = append(batch, in)
			default:
				break more
			}
		}
		latest := make(map[string]int64, len(batch))
		for _, in := range batch {
			latest[string(in.From)] = max(latest[string(in.From)], in.Msg.Time)
		}
		if err := c.state.Save(latest); err != nil {
			c.log.Warn("dropped messages: their dates could not be kept for after a restart", "count", len(batch), "err", err)
			continue
		}
		for _, in := range batch {
			c.deliver(in)
		}
		clear(batch)
	}
}

// checkSender checks the key the relay vouches for against the pin of
// from, and pins it on first use.
func (c *Client) checkSender(from identity.Name, key identity.PublicKey) error {
	if from == c.cfg.Identity.Name {
		if !key.Equal(c.cfg.Identity.Public()) {
			return &identity.KeyChangedError{Subject: string(from), Pinned: c.cfg.Identity.Public(), Got: key}
		}
		return nil
	}
	if pinned, ok := c.pinned(from); ok {
		if !pinned.Equal(key) {
			return c.known.Check(string(from), key)
		}
		return nil // a pinned key was valid when it was pinned
	}
	if err := key.Validate(); err != nil {
		return err
	}
	if err := c.known.Pin(string(from), key); err != nil {
		return err
	}
	c.log.Info("pinned a key on first use", "peer", from, "key", key.Fingerprint(), "file", c.known.Path())
	c.remember(from, key)
	return nil
}

// deliver hands a message to the Request or Gather waiting for it, or
// else to Messages. A full inbox drops the message rather than stall the
// connection, whose keepalives the same loop answers.
func (c *Client) deliver(in Incoming) {
	k := waitKey{from: in.From, session: in.Msg.Session}
	c.mu.Lock()
	w, ok := c.waits[k]
	if ok {
		delete(c.waits, k)
	}
	g := c.gathers[k]
	c.mu.Unlock()
	if ok {
		w <- in // buffered for this one answer
		return
	}
	if g != nil {
		g.add(in)
		return
	}
	select {
	case c.inbox <- in:
	default:
		if in.Msg.Type.IsRequest() {
			c.cfg.Metrics.Refuse(wire.RefusalBusy, "inbox", string(in.From), "too many requests at once: ask again shortly")
			c.tellBusy(in)
			return
		}
		c.cfg.Metrics.Inc(metrics.InboxDrops)
		c.log.Warn("dropped a message: the inbox is full (messages arrive faster than they are handled)", "from", in.From, "type", in.Msg.Type)
	}
}

// Answers to requests the inbox has no room for.
const (
	// busyRetry is the wait a busy answer asks for.
	busyRetry = 200 * time.Millisecond
	// busyReplyTimeout bounds the sending of one.
	busyReplyTimeout = 5 * time.Second
)

// tellBusy answers a request the inbox has no room for: the sender is
// told at once to ask again shortly, rather than wait for nothing. The
// answers are sent in order by one goroutine; when even they pile up,
// the reader waits for room, which slows the relay's delivery to this
// connection, and the relay then tells the senders the recipient is busy.
func (c *Client) tellBusy(in Incoming) {
	select {
	case c.busy <- in:
	case <-c.done:
	}
}

// answerBusy sends the busy answers until Run ends.
func (c *Client) answerBusy() {
	for {
		select {
		case in := <-c.busy:
			m, err := seal.NewMessage(wire.MsgRefusal, in.Msg.Session, wire.RefusalBody{
				Code: wire.RefusalBusy, Message: "too many requests at once: ask again shortly", RetryAfterMillis: busyRetry.Milliseconds()})
			if err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), busyReplyTimeout)
				err = c.Reply(ctx, in, m)
				cancel()
			}
			c.log.Debug("answered busy to a request the inbox had no room for", "from", in.From, "type", in.Msg.Type, "err", err)
		case <-c.done:
			return
		}
	}
}
