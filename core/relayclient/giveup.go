package relayclient

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/nport/nport/core/dialer"
)

// checkRelay is the end of every hint about the relay's address: where it
// is set.
const checkRelay = "check the relay's address in --relay, NPORT_RELAY or the config file"

// hopeless reports whether a failure to reach the relay will not mend by
// itself within seconds, and adds to it what to check: nothing listens at
// the address, the name does not resolve, the proxy wants other
// credentials. A daemon waits for such a relay all the same; a person at a
// terminal wants to hear at once (Config.GiveUp).
func hopeless(err error) (error, bool) {
	var dns *net.DNSError
	refused := errors.Is(err, syscall.ECONNREFUSED)
	unknown := errors.As(err, &dns) && dns.IsNotFound
	switch {
	case errors.Is(err, dialer.ErrProxyAuth):
		return err, true
	case errors.Is(err, dialer.ErrProxy) && (refused || unknown):
		return err, true // the dialer's message names the proxy setting
	case refused:
		return fmt.Errorf("%w (nothing listens there: is the relay running? %s)", err, checkRelay), true
	case unknown:
		return fmt.Errorf("%w (%s)", err, checkRelay), true
	}
	return err, false
}

// giveUp decides, after a failed attempt, whether Run stops trying: with
// Config.GiveUp set and no connection made yet, once every attempt since
// hopelessSince has failed hopelessly and the next would come after
// GiveUp. hopelessSince is the loop's, reset by any other failure. It
// returns the error to stop with.
func (c *Client) giveUp(err error, hopelessSince *time.Time, delay time.Duration) error {
	select {
	case <-c.ready:
		return nil // a relay that was there comes back: wait for it
	default:
	}
	if c.cfg.GiveUp <= 0 {
		return nil
	}
	explained, ok := hopeless(err)
	if !ok {
		*hopelessSince = time.Time{}
		return nil
	}
	if hopelessSince.IsZero() {
		*hopelessSince = time.Now()
	}
	if time.Since(*hopelessSince)+delay <= c.cfg.GiveUp {
		return nil
	}
	return explained
}
