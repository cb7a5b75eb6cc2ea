//go:build linux

package attack

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// RelayHello is a valid first frame of a relay connection: a ClientHello
// for a fresh name and key, as a new client sends it.
func RelayHello() []byte {
	key, err := identity.GenerateKey()
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	h := wire.ClientHello{Pub: key.Public().Raw(), Name: string(freshName("@slow"))}
	rand.Read(h.Challenge[:])
	return frame(h)
}

// RendezvousHello is a well-formed first frame of a rendezvous socket,
// with a session id and token that match nothing: a guess.
func RendezvousHello() []byte {
	var h wire.RendezvousHello
	rand.Read(h.Session[:])
	rand.Read(h.Token[:])
	return frame(h)
}

// Oversize is a frame header of type t announcing a payload far over
// wire.MaxFrameSize, followed by the start of that payload.
func Oversize(t wire.FrameType) []byte {
	b := []byte{byte(t)}
	b = binary.BigEndian.AppendUint32(b, 1<<30)
	return append(b, randomBytes(512)...)
}

// freshName is prefix followed by random hex: a name no one has claimed.
func freshName(prefix string) identity.Name {
	return identity.Name(prefix + "_" + hex.EncodeToString(randomBytes(8)))
}

// freshIdentity is a new key for a name no one has claimed.
func freshIdentity(prefix string) (identity.Identity, error) {
	key, err := identity.GenerateKey()
	if err != nil {
		return identity.Identity{}, err
	}
	return identity.Identity{Name: freshName(prefix), Key: key}, nil
}

// The sizes of a junk envelope that the relay must accept.
const (
	minSealed = wire.MinSealedLen
	maxSealed = wire.MaxSealedLen
)

// frame encodes p; the frames here are valid by construction.
func frame(p wire.Payload) []byte {
	b, err := wire.AppendPayload(nil, p)
	if err != nil {
		panic(err)
	}
	return b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
