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
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// deriveKeys returns the tunnel's two directional keys: HKDF-SHA256 over
// the X25519 shared secret of the ephemeral keys, salted with the session
// id, info wire.RecordInfo, 64 bytes. Both ends compute the same pair.
func deriveKeys(local identity.PrivateKey, peer identity.PublicKey, id session.ID) (c2d, d2c [wire.RecordKeyLen]byte, err error) {
	if local.IsZero() {
		return c2d, d2c, errors.New("record: derive keys: no local ephemeral key (generate one per tunnel with identity.GenerateEphemeral)")
	}
	secret, err := local.SharedSecret(peer)
	if err != nil {
		return c2d, d2c, fmt.Errorf("record: derive keys with the peer's ephemeral key: %w", err)
	}
	defer clear(secret[:])
	kdf := hkdf.New(sha256.New, secret[:], id[:], []byte(wire.RecordInfo))
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
func directionKeys(role Role, local identity.PrivateKey, peer identity.PublicKey, id session.ID) (seal, open cipher.AEAD, err error) {
	c2d, d2c, err := deriveKeys(local, peer, id)
	defer clear(c2d[:])
	defer clear(d2c[:])
	if err != nil {
		return nil, nil, err
	}
	switch role {
	case Client:
		return newAEADs(c2d, d2c)
	case Daemon:
		return newAEADs(d2c, c2d)
	}
	return nil, nil, fmt.Errorf("record: unknown %s (want record.Client or record.Daemon)", role)
}

// newAEADs builds the ChaCha20-Poly1305 AEADs of the two directions.
func newAEADs(sealKey, openKey [wire.RecordKeyLen]byte) (seal, open cipher.AEAD, err error) {
	if seal, err = chacha20poly1305.New(sealKey[:]); err != nil {
		return nil, nil, fmt.Errorf("record: seal key: %w", err)
	}
	if open, err = chacha20poly1305.New(openKey[:]); err != nil {
		return nil, nil, fmt.Errorf("record: open key: %w", err)
	}
	return seal, open, nil
}
