package relayclient

import (
	"context"
	"fmt"

	"github.com/nport/nport/core/relayconn"
)

// link is one live connection.
type link struct {
	conn *relayconn.Conn
	down chan struct{} // closed once the connection is no longer c.link
}

// current returns the live connection, nil while disconnected.
func (c *Client) current() *link {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.link
}

// waitLink returns the live connection, waiting for one if there is none
// or if the only one is failed, which its user saw fail.
func (c *Client) waitLink(ctx context.Context, failed *link) (*link, error) {
	for {
		c.mu.Lock()
		l, wait := c.link, c.live
		c.mu.Unlock()
		if l != nil && l != failed {
			return l, nil
		}
		if l != nil {
			wait = l.down
		}
		select {
		case <-wait:
		case <-c.done:
			return nil, ErrStopped
		case <-ctx.Done():
			return nil, fmt.Errorf("not connected to relay %s: %w", c.addr, context.Cause(ctx))
		}
	}
}
