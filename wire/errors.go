package wire

import (
	"errors"
	"fmt"
)

// Sentinel errors of the decoders, checked with errors.Is. The errors
// returned wrap them with the frame, the field and the problem.
var (
	// ErrMalformed means a payload does not follow its layout: the peer is
	// broken or speaks something else. Answer with RefuseMalformed (if the
	// handshake allows) and close the connection.
	ErrMalformed = errors.New("wire: malformed")

	// ErrVersion means the peer speaks another ProtocolVersion. Answer with
	// RefuseVersion and close; the older side needs an upgrade.
	ErrVersion = errors.New("wire: unsupported protocol version")

	// ErrFrameTooLarge means a frame's length is past the reader's limit.
	// The payload was not read, so the stream cannot be resynchronised:
	// close the connection.
	ErrFrameTooLarge = errors.New("wire: frame too large")
)

// versionError is the ErrVersion error for a peer speaking version v.
func versionError(t FrameType, v uint8) error {
	return fmt.Errorf("%w %d in %s frame (this build speaks %d: upgrade the older side)", ErrVersion, v, t, ProtocolVersion)
}
