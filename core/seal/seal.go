package seal

import (
	"errors"
	"fmt"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Version is the envelope layout version, its first byte.
const Version = 1

// Overhead is how much longer an envelope is than its plaintext message.
const Overhead = 1 + identity.Overhead

// Errors from Open, checked with errors.Is. A message that opens but does
// not decode wraps the wire errors (wire.ErrShortMessage,
// wire.ErrMessageVersion).
var (
	// ErrShort means the envelope is too short to hold anything.
	ErrShort = errors.New("seal: envelope too short")
	// ErrVersion means the envelope has a version this build does not know.
	ErrVersion = errors.New("seal: unsupported envelope version")
	// ErrOpen means the envelope was not sealed from the expected sender
	// to this key, or was changed on the way. It is identity.ErrOpen.
	ErrOpen = identity.ErrOpen
)

// Seal puts m in an envelope from the from key to the to key.
func Seal(from identity.PrivateKey, to identity.PublicKey, m wire.Message) []byte {
	return sealWith(from.Shared(to), m)
}

// Open takes the message out of an envelope sealed from the from key to
// the to key. The message body aliases no part of sealed.
func Open(to identity.PrivateKey, from identity.PublicKey, sealed []byte) (wire.Message, error) {
	return openWith(to.Shared(from), sealed)
}

// sealWith seals m with a precomputed key.
func sealWith(k identity.SharedKey, m wire.Message) []byte {
	plain := wire.AppendMessage(make([]byte, 0, wire.MessageHeaderLen+len(m.Body)), m)
	out := make([]byte, 1, Overhead+len(plain))
	out[0] = Version
	return k.Seal(out, plain)
}

// openWith opens an envelope with a precomputed key.
func openWith(k identity.SharedKey, sealed []byte) (wire.Message, error) {
	if len(sealed) < Overhead+wire.MessageHeaderLen {
		return wire.Message{}, fmt.Errorf("%w: %d bytes, the smallest is %d", ErrShort, len(sealed), Overhead+wire.MessageHeaderLen)
	}
	if sealed[0] != Version {
		return wire.Message{}, fmt.Errorf("%w %d (this build speaks %d): upgrade nport", ErrVersion, sealed[0], Version)
	}
	plain, err := k.Open(nil, sealed[1:])
	if err != nil {
		return wire.Message{}, fmt.Errorf("seal: %w", err)
	}
	m, err := wire.UnmarshalMessage(plain)
	if err != nil {
		return wire.Message{}, fmt.Errorf("seal: message in the envelope: %w", err)
	}
	return m, nil
}
