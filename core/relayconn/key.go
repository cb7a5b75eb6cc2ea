package relayconn

import (
	"errors"
	"fmt"

	"github.com/nport/nport/core/identity"
)

// errNonCanonical refuses a key in a form no key generator produces.
var errNonCanonical = errors.New("key is not in canonical form")

// peerKey checks a long-term key received in a hello. Besides keys of
// low order it refuses non-canonical encodings: X25519 ignores the top
// bit of a key and reduces it modulo 2^255-19, so several 32-byte
// strings act as the same key, and whoever holds its private half could
// present any of them. Accepting only the one canonical form keeps "the
// key that proved it" a single value, for pins and the directory alike.
func peerKey(raw [identity.KeyLen]byte) (identity.PublicKey, error) {
	if !canonical(raw) {
		return identity.PublicKey{}, errNonCanonical
	}
	k := identity.PublicKeyFromRaw(raw)
	if err := k.Validate(); err != nil {
		return identity.PublicKey{}, err
	}
	return k, nil
}

// canonical reports whether raw, a little-endian field element, is below
// p = 2^255-19 with its top bit clear: the encoding X25519 produces.
func canonical(raw [identity.KeyLen]byte) bool {
	if raw[31]&0x80 != 0 {
		return false
	}
	// The only values in [p, 2^255) are ed..ff, then 30 bytes ff, then 7f.
	if raw[31] != 0x7f || raw[0] < 0xed {
		return true
	}
	for _, b := range raw[1:31] {
		if b != 0xff {
			return true
		}
	}
	return false
}

// keyError words the refusal of a peer's key.
func keyError(who string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrBadProof, who, err)
}
