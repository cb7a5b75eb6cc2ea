package relayclient

import (
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/seal"
)

// maxSealers bounds the cache of precomputed box keys; past it the cache
// starts over, which costs one X25519 per peer again.
const maxSealers = 1024

// sealerFor returns the Sealer between this identity and peer, whose key
// must have been checked (pinned, valid). Precomputing it once per peer
// saves an X25519 multiplication on every message, most of the cost of
// sealing and opening.
func (c *Client) sealerFor(peer identity.PublicKey) seal.Sealer {
	c.mu.Lock()
	s, ok := c.sealers[peer]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = seal.NewSealer(c.cfg.Identity.Key.Shared(peer))
	c.mu.Lock()
	if len(c.sealers) >= maxSealers {
		clear(c.sealers)
	}
	c.sealers[peer] = s
	c.mu.Unlock()
	return s
}
