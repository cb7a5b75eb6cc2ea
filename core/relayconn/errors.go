package relayconn

import (
	"errors"
	"time"
)

// Sentinel errors, checked with errors.Is. The errors returned wrap them
// with what happened and what to do; a peer's Refuse frame comes back as a
// wire.Refusal (errors.As), a frame that breaks its layout as
// wire.ErrMalformed, another protocol version as wire.ErrVersion.
var (
	// ErrHandshakeTimeout means the handshake did not finish within its
	// deadline.
	ErrHandshakeTimeout = errors.New("relayconn: handshake timed out")

	// ErrBadProof means the peer did not prove the key it claims: it is
	// not who it says, or something between the two changed the bytes.
	ErrBadProof = errors.New("relayconn: peer failed to prove its key")

	// ErrSilent means nothing, not even a keepalive, arrived for
	// SilenceIntervals keepalive intervals: the peer or the path is gone.
	ErrSilent = errors.New("relayconn: peer went silent")

	// ErrClosed means the connection was closed on this side.
	ErrClosed = errors.New("relayconn: connection closed")

	// ErrTooLarge means a frame to send is larger than the peer accepts.
	// The connection stays usable.
	ErrTooLarge = errors.New("relayconn: frame too large for the peer")
)

// Defaults of the handshake and keepalive.
const (
	// DefaultHandshakeTimeout bounds a whole handshake on either side.
	DefaultHandshakeTimeout = 10 * time.Second

	// DefaultKeepalive is the interval a relay announces in Welcome.
	DefaultKeepalive = 5 * time.Second

	// SilenceIntervals is how many keepalive intervals of silence end a
	// connection: three, so that one lost Ping is not fatal.
	SilenceIntervals = 3

	// refuseWriteTimeout bounds the write of a Refuse frame on a
	// connection that is about to close anyway.
	refuseWriteTimeout = time.Second
)
