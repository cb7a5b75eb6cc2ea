package tunnel

import (
	"context"
	"errors"

	"github.com/nport/nport/core/record"
)

// Reason is why a tunnel that ended with err ended, in one word for
// metrics: closed, peer-closed, idle, keepalive, tampered, truncated,
// shutdown or error.
func Reason(err error) string {
	switch {
	case err == nil || errors.Is(err, ErrClosed):
		return "closed"
	case errors.Is(err, ErrPeerClosed):
		return "peer-closed"
	case errors.Is(err, ErrIdle):
		return "idle"
	case errors.Is(err, ErrKeepalive):
		return "keepalive"
	case errors.Is(err, record.ErrTampered):
		return "tampered"
	case errors.Is(err, record.ErrTruncated):
		return "truncated"
	case errors.Is(err, context.Canceled):
		return "shutdown"
	}
	return "error"
}
