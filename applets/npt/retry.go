package npt

import (
	"context"
	"errors"
	"net"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/wire"
)

// What -K retries. Before the first tunnel is up, only what may heal by
// itself: a peer or the network that is down or busy; a setting that is
// wrong stays wrong, and is reported at once. Once a tunnel has been up,
// the settings were right, and everything is retried but a refusal that
// no retry changes.

// transient reports whether err, from a first set-up, may heal: no
// answer, a timeout, a network error, or a refusal for now.
func transient(err error) bool {
	var noAnswer *relayclient.NoAnswerError
	var netErr net.Error
	var refused *client.RefusedError
	switch {
	case errors.As(err, &refused):
		return !final(refused)
	case errors.As(err, &noAnswer), errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return false
}

// retriable reports whether err, from setting a tunnel up again, is worth
// another try: anything but a final refusal or a changed key.
func retriable(err error) bool {
	var refused *client.RefusedError
	var changed *identity.KeyChangedError
	if errors.As(err, &refused) {
		return !final(refused)
	}
	return !errors.As(err, &changed)
}

// final reports a refusal that says the request itself is wrong: the
// daemon or the rendezvous would refuse it again.
func final(r *client.RefusedError) bool {
	switch r.Code {
	case wire.RefusalUnauthorized, wire.RefusalTargetRefused, wire.RefusalBadRequest, wire.RefusalWrongDevice:
		return true
	}
	return false
}
