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

	// ErrStopped means the context of a Serve method ended: the program
	// was told to stop (Ctrl-C, SIGTERM) or the caller gave up on the
	// tunnel. It wraps the context's cause.
	ErrStopped = errors.New("tunnel stopped")

	// ErrIdle means no stream was open and no byte moved for
	// Options.IdleTimeout.
	ErrIdle = errors.New("tunnel idle")

	// ErrKeepalive means the other end stopped answering keepalives: the
	// path through the rendezvous is down.
	ErrKeepalive = errors.New("tunnel keepalive unanswered")
)

// Clean reports whether a tunnel that ended with err ended as tunnels
// normally do: closed by either end, stopped, or idle. Anything else (a
// failed integrity check, a cut connection, lost keepalives) is worth
// telling the person.
func Clean(err error) bool {
	for _, normal := range []error{ErrClosed, ErrPeerClosed, ErrStopped, ErrIdle} {
		if errors.Is(err, normal) {
			return true
		}
	}
	return err == nil
}
