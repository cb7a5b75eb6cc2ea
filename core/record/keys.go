package record

import (
	"crypto/cipher"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
	"golang.org/x/crypto/hkdf"
)

// deriveKeys returns the tunnel's two directional keys for cipher c:
// HKDF-SHA256 over the X25519 shared secret of the ephemeral keys, salted
// with the session id, info wire.RecordInfo, a space and the cipher's
// name, 64 bytes. Both ends compute the same pair.
func deriveKeys(c Cipher, local identity.PrivateKey, peer identity.PublicKey, id session.ID) (c2d, d2c [wire.RecordKeyLen]byte, err error) {
	if local.IsZero() {
		return c2d, d2c, errors.New("record: derive keys: no local ephemeral key (generate one per tunnel with identity.GenerateEphemeral)")
	}
	secret, err := local.SharedSecret(peer)
	if err != nil {
		return c2d, d2c, fmt.Errorf("record: derive keys with the peer's ephemeral key: %w", err)
	}
	defer clear(secret[:])
	kdf := hkdf.New(sha256.New, secret[:], id[:], []byte(wire.RecordInfo+" "+string(c)))
	if _, err := io.ReadFull(kdf, c2d[:]); err != nil {
		return c2d, d2c, fmt.Errorf("record: derive keys: %w", err)
	}
	if _, err := io.ReadFull(kdf, d2c[:]); err != nil {
		return c2d, d2c, fmt.Errorf("record: derive keys: %w", err)
	}
	return c2d, d2c, nil
}

// directionKeys returns the AEADs that role seals and opens with. The raw
// keys are wiped once the AEADs hold their own copies.
func directionKeys(c Cipher, role Role, local identity.PrivateKey, peer identity.PublicKey, id session.ID) (seal, open cipher.AEAD, err error) {
	c2d, d2c, err := deriveKeys(c, local, peer, id)
	defer clear(c2d[:])
	defer clear(d2c[:])
	if err != nil {
		return nil, nil, err
	}
	switch role {
	case Client:
		return newAEADs(c, c2d, d2c)
	case Daemon:
		return newAEADs(c, d2c, c2d)
	}
	return nil, nil, fmt.Errorf("record: unknown %s (want record.Client or record.Daemon)", role)
}

// newAEADs builds the AEADs of cipher c for the two directions.
func newAEADs(c Cipher, sealKey, openKey [wire.RecordKeyLen]byte) (seal, open cipher.AEAD, err error) {
	if seal, err = c.aead(sealKey[:]); err != nil {
		return nil, nil, fmt.Errorf("record: seal key: %w", err)
	}
	if open, err = c.aead(openKey[:]); err != nil {
		return nil, nil, fmt.Errorf("record: open key: %w", err)
	}
	return seal, open, nil
}
