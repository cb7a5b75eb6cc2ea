package client

import (
	"context"
	"slices"
	"time"
)

// probeDelay is how long a session's set-up runs before the probe is
// sent: most daemons have answered by then, and the ping would cost each
// daemon under the identity an answer and the set-up a little time.
const probeDelay = 200 * time.Millisecond

// probe is a ping of the device identity sent alongside a session's
// set-up that is not done after probeDelay, so that a device name no
// daemon answers to fails after the device window instead of after
// --timeout.
type probe struct {
	cancel context.CancelFunc
	done   chan struct{}
	list   listing // valid once done is closed
	err    error
}

// startProbe pings the device identity after probeDelay, naming the
// device asked for so that it answers even when hidden.
func (c *connector) startProbe(ctx context.Context) *probe {
	ctx, cancel := context.WithCancel(ctx)
	p := &probe{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTimer(probeDelay)
		defer t.Stop()
		select {
		case <-t.C:
			p.list, p.err = c.ping(ctx, c.cfg.Device)
		case <-ctx.Done():
			p.err = ctx.Err()
		}
	}()
	return p
}

// stop ends the probe and waits for it.
func (p *probe) stop() {
	p.cancel()
	<-p.done
}

// missing is the *NoDeviceError of a probe that has ended with answers
// from other devices only. It is nil while the probe runs, and when it
// cannot tell: it failed, nobody answered (the request's own timeout
// then says what to check), or a daemon was too busy to answer.
func (c *connector) missing(p *probe) error {
	select {
	case <-p.done:
	default:
		return nil
	}
	names := p.list.names()
	if p.err != nil || len(names) == 0 || p.list.busy > 0 || slices.Contains(names, c.cfg.Device) {
		return nil
	}
	return &NoDeviceError{Device: c.cfg.Device, To: c.to, Devices: names}
}

// failIfMissing cancels a request with the probe's *NoDeviceError, if it
// has one once it ends, unless the request ends first.
func (c *connector) failIfMissing(ctx context.Context, p *probe, fail context.CancelCauseFunc) {
	select {
	case <-p.done:
		if err := c.missing(p); err != nil {
			fail(err)
		}
	case <-ctx.Done():
	}
}
