package relayconn

import (
	"fmt"

	"github.com/nport/nport/core/identity"
)

// peerKey checks a long-term key received in a hello: identity's
// Validate refuses keys of low order and non-canonical encodings, so "the
// key that proved it" is a single value for pins and the directory.
func peerKey(raw [identity.KeyLen]byte) (identity.PublicKey, error) {
	k := identity.PublicKeyFromRaw(raw)
	if err := k.Validate(); err != nil {
		return identity.PublicKey{}, err
	}
	return k, nil
}

// keyError words the refusal of a peer's key.
func keyError(who string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrBadProof, who, err)
}
