package tunnel

import "errors"

// Reasons a tunnel ends, as Err reports them, checked with errors.Is.
// record.ErrTampered and record.ErrTruncated are reported as they are,
// wrapped.
var (
	// ErrClosed means Close was called, or a Serve method finished its
	// work (ServeStdio after EOF both ways).
	ErrClosed = errors.New("tunnel closed")

	// ErrPeerClosed means the other end closed the tunnel cleanly: it
	// sent its end-of-stream record.
	ErrPeerClosed = errors.New("tunnel closed by the other end")

	// ErrIdle means no stream was open and no byte moved for
	// Options.IdleTimeout.
	ErrIdle = errors.New("tunnel idle")

	// ErrKeepalive means the other end stopped answering keepalives: the
	// path through the rendezvous is down.
	ErrKeepalive = errors.New("tunnel keepalive unanswered")
)
