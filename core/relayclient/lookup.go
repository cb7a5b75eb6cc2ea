package relayclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Lookup returns name's key: from the pins, or else from the relay, which
// is pinned on first use. An unknown name is an *UnknownNameError; a
// lookup waits for the connection if it is down, within ctx.
func (c *Client) Lookup(ctx context.Context, name identity.Name) (identity.PublicKey, error) {
	if _, err := identity.ParseName(string(name)); err != nil {
		return identity.PublicKey{}, err
	}
	if name == c.cfg.Identity.Name {
		return c.cfg.Identity.Public(), nil
	}
	if key, ok := c.pinned(name); ok {
		return key, nil
	}
	var failed *link
	for {
		l, err := c.waitLink(ctx, failed)
		if err != nil {
			return identity.PublicKey{}, fmt.Errorf("look up %s: %w", name, err)
		}
		key, err := c.lookupOn(ctx, l, name)
		if err == nil || !errors.Is(err, errLinkDown) {
			return key, err
		}
		failed = l
	}
}

// errLinkDown means the connection went down during a lookup: try again
// on the next one.
var errLinkDown = errors.New("relay connection lost")

// pinned returns the key known for name, from the cache or the pins.
func (c *Client) pinned(name identity.Name) (identity.PublicKey, bool) {
	c.mu.Lock()
	key, ok := c.keys[name]
	c.mu.Unlock()
	if ok {
		return key, true
	}
	if key, ok = c.known.Pinned(string(name)); ok {
		c.remember(name, key)
	}
	return key, ok
}

// remember caches a key that is pinned.
func (c *Client) remember(name identity.Name, key identity.PublicKey) {
	c.mu.Lock()
	c.keys[name] = key
	c.mu.Unlock()
}

// lookupOn asks the relay on l for name's key and pins the answer.
func (c *Client) lookupOn(ctx context.Context, l *link, name identity.Name) (identity.PublicKey, error) {
	r, err := c.ask(ctx, l, name)
	if err != nil {
		return identity.PublicKey{}, err
	}
	return c.lookedUp(name, r)
}

// ask sends a Lookup of name on l and waits for the reply.
func (c *Client) ask(ctx context.Context, l *link, name identity.Name) (wire.LookupReply, error) {
	reply := make(chan wire.LookupReply, 1)
	c.mu.Lock()
	id := c.allocID()
	c.looks[id] = reply
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.looks, id)
		c.mu.Unlock()
	}()
	if err := l.conn.Lookup(id, name); err != nil {
		return wire.LookupReply{}, errLinkDown
	}
	select {
	case r := <-reply:
		return r, nil
	case <-l.conn.Done():
		return wire.LookupReply{}, errLinkDown
	case <-ctx.Done():
		return wire.LookupReply{}, fmt.Errorf("look up %s on relay %s: %w", name, c.addr, context.Cause(ctx))
	}
}

// keyChanged is the error for a name the relay binds to another key than
// the one pinned here: it asks the relay for that key, and says which pin
// to remove if the change is trusted.
func (c *Client) keyChanged(ctx context.Context, name identity.Name) error {
	pinned, _ := c.pinned(name)
	key, err := c.relayKeyFor(ctx, name)
	if err != nil {
		return fmt.Errorf("relay %s holds another key for %s than the one pinned here (%s), and could not say which: %w", c.addr, name, pinned.Fingerprint(), err)
	}
	if err := c.known.Check(string(name), key); err != nil {
		return fmt.Errorf("relay %s: %w", c.addr, err)
	}
	return fmt.Errorf("relay %s: the key for %s changed while this request was under way: try again", c.addr, name)
}

// relayKeyFor asks the relay for name's key, whatever is pinned.
func (c *Client) relayKeyFor(ctx context.Context, name identity.Name) (identity.PublicKey, error) {
	l := c.current()
	if l == nil {
		return identity.PublicKey{}, fmt.Errorf("not connected to relay %s", c.addr)
	}
	r, err := c.ask(ctx, l, name)
	if err != nil {
		return identity.PublicKey{}, err
	}
	key := identity.PublicKeyFromRaw(r.Pub)
	if r.Status != wire.LookupFound || key.Validate() != nil {
		return identity.PublicKey{}, &UnknownNameError{Name: name, Relay: c.addr}
	}
	return key, nil
}

// lookedUp checks a LookupReply and pins the key it carries.
func (c *Client) lookedUp(name identity.Name, r wire.LookupReply) (identity.PublicKey, error) {
	if r.Status != wire.LookupFound {
		return identity.PublicKey{}, &UnknownNameError{Name: name, Relay: c.addr}
	}
	key := identity.PublicKeyFromRaw(r.Pub)
	if r.Name != string(name) || key.Validate() != nil {
		return identity.PublicKey{}, fmt.Errorf("relay %s answered the look-up of %s with a bad key for %q: is it a real nport relay?", c.addr, name, r.Name)
	}
	if err := c.known.Pin(string(name), key); err != nil {
		return identity.PublicKey{}, err
	}
	c.log.Info("pinned a key on first use", "peer", name, "key", key.Fingerprint(), "file", c.known.Path())
	c.remember(name, key)
	return key, nil
}
