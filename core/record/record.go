// Package record is the encrypted record layer of an nport tunnel: the
// byte stream that the client and the daemon speak to each other through
// the rendezvous, which only ever sees its ciphertext.
//
// Each direction has its own key, derived from the ephemeral X25519 keys
// of the two ends, the session id and the cipher (AES-256-GCM where both
// ends have AES instructions, ChaCha20-Poly1305 elsewhere), and its own
// record counter as nonce. A record is
//
//	length     uint16   big-endian length of the ciphertext, 16 .. 16400
//	ciphertext [length] the sealed plaintext (at most 16 KiB) and its tag
//
// (wire/record.go is the reference for the layout and its constants.) A record with an empty plaintext marks the end of the stream, so that a
// reader can tell a peer that closed from an attacker who cut the
// connection.
package record

import (
	"errors"
	"fmt"

	"github.com/nport/nport/wire"
)

// Sizes of one direction's record buffer, from the layout in wire.
const (
	maxCiphertext = wire.MaxRecordCiphertext
	maxRecordLen  = wire.RecordHeaderLen + maxCiphertext
)

// Role says which end of the tunnel a Conn is, and so which of the two
// derived keys it seals with.
type Role uint8

// The two ends of a tunnel.
const (
	// Client is the end that asked for the session (sshnp).
	Client Role = iota + 1
	// Daemon is the end on the device (sshnpd).
	Daemon
)

// String names the role for logs.
func (r Role) String() string {
	switch r {
	case Client:
		return "client"
	case Daemon:
		return "daemon"
	}
	return fmt.Sprintf("role-%d", uint8(r))
}

// Errors of Read and Write, checked with errors.Is. Both end the tunnel
// for good: every later Read returns the same error.
var (
	// ErrTampered means a record did not open, or its length is
	// impossible: someone changed the bytes, or the peer holds other keys.
	// Nothing of that record is returned, and the connection is closed.
	ErrTampered = errors.New("tunnel record failed its integrity check: data was changed in transit; the tunnel is closed")

	// ErrTruncated means the connection ended without the peer's
	// end-of-stream record: it was cut, by the network or by someone
	// on the path, and the data may be incomplete.
	ErrTruncated = errors.New("tunnel stream ended without its end-of-stream record: the connection was cut and data may be missing; reconnect and retry")
)

// errExhausted refuses a record once a direction has used every counter
// value: sealing another would reuse a nonce.
var errExhausted = errors.New("record: every record counter of this tunnel is used; open a new tunnel")
