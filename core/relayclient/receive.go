package relayclient

import (
	"errors"
	"time"

	"github.com/nport/nport/core/identity"
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
	c.deliver(Incoming{From: from, Msg: m})
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

// deliver hands a message to the Request waiting for it, or else to
// Messages. A full inbox drops the message rather than stall the
// connection, whose keepalives the same loop answers.
func (c *Client) deliver(in Incoming) {
	k := waitKey{from: in.From, session: in.Msg.Session}
	c.mu.Lock()
	w, ok := c.waits[k]
	if ok {
		delete(c.waits, k)
	}
	c.mu.Unlock()
	if ok {
		w <- in // buffered for this one answer
		return
	}
	select {
	case c.inbox <- in:
	default:
		c.log.Warn("dropped a message: the inbox is full (messages arrive faster than they are handled)", "from", in.From, "type", in.Msg.Type)
	}
}
