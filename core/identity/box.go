package identity

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/salsa20/salsa"
)

// NonceLen and Overhead size a sealed box: nonce || NaCl box, which is the
// plaintext plus Overhead bytes in all.
const (
	NonceLen = 24
	Overhead = NonceLen + secretbox.Overhead
)

// ErrOpen is returned when a box does not open: wrong keys, or the bytes
// changed on the way. The two cannot be told apart, by design.
var ErrOpen = errors.New("identity: box did not open: sealed for another key, or changed in transit")

// SharedKey is the precomputed NaCl box key between two X25519 keys, for
// peers that exchange many messages. It is secret, prints as redacted, and
// like PrivateKey sits behind two pointers. The zero SharedKey is no key.
//
// A box key is the same in both directions, so the top bit of each nonce
// says which of the two public keys sealed it: a box can never be sent back
// to its sender as if it came from the peer (reflection). The bit is 1 when
// the sealer's public key sorts after the other's (bytes compared), and is
// not checked when both keys are the same. The other 191 bits are random,
// far too many to repeat by chance.
type SharedKey struct {
	p **sharedKey
}

// sharedKey is the key and the direction of this side.
type sharedKey struct {
	k    [KeyLen]byte
	mine byte // top nonce bit of boxes sealed by this side
	both bool // both sides hold the same key: the direction bit says nothing
	weak bool // the peer key is of low order: anyone can compute k
}

// Shared precomputes the box key between k and peer. It is the NaCl
// crypto_box key (box.Precompute): HSalsa20 over the X25519 output, built
// here from secretbox so that the box package's other dependencies stay out
// of the binary. A peer key of low order gives a key anyone can compute:
// Open then always fails, and keys from the network must pass Validate
// before anything is sealed to them.
func (k PrivateKey) Shared(peer PublicKey) SharedKey {
	me := k.must()
	s := &sharedKey{}
	var zeros [16]byte
	x, err := me.dh(peer)
	s.k, s.weak = x, err != nil
	salsa.HSalsa20(&s.k, &zeros, &s.k, &salsa.Sigma)
	switch c := bytes.Compare(me.pub.k[:], peer.k[:]); {
	case c > 0:
		s.mine = 0x80
	case c == 0:
		s.both = true
	}
	return SharedKey{p: &s}
}

// must returns the key, refusing the zero SharedKey.
func (s SharedKey) must() *sharedKey {
	if s.p == nil {
		panic("identity: use of the zero SharedKey, which is no key")
	}
	return *s.p
}

// SealTo seals plaintext for peer: the nonce (random but for the direction
// bit, see SharedKey), then the NaCl box.
func (k PrivateKey) SealTo(peer PublicKey, plaintext []byte) []byte {
	s := k.Shared(peer)
	return s.Seal(make([]byte, 0, Overhead+len(plaintext)), plaintext)
}

// OpenFrom opens a box that peer sealed for k with SealTo.
func (k PrivateKey) OpenFrom(peer PublicKey, sealed []byte) ([]byte, error) {
	s := k.Shared(peer)
	return s.Open(nil, sealed)
}

// Seal appends nonce || box of plaintext to dst and returns the result.
// dst must not overlap plaintext.
func (s SharedKey) Seal(dst, plaintext []byte) []byte {
	var nonce [NonceLen]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		// crypto/rand does not fail on supported systems; a fixed nonce
		// would be far worse than stopping.
		panic(fmt.Sprintf("identity: no randomness for a nonce: %v", err))
	}
	nonce[0] = nonce[0]&0x7f | s.must().mine
	return s.sealWith(dst, plaintext, &nonce)
}

// sealWith appends nonce || box of plaintext to dst.
func (s SharedKey) sealWith(dst, plaintext []byte, nonce *[NonceLen]byte) []byte {
	dst = append(dst, nonce[:]...)
	return secretbox.Seal(dst, plaintext, nonce, &s.must().k)
}

// Open appends the plaintext of a box made by the peer's Seal to dst. dst
// must not overlap sealed. Any failure is ErrOpen.
func (s SharedKey) Open(dst, sealed []byte) ([]byte, error) {
	p := s.must()
	if p.weak {
		return nil, fmt.Errorf("%w: %w", ErrOpen, ErrWeakKey)
	}
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w (%d bytes is shorter than any box)", ErrOpen, len(sealed))
	}
	var nonce [NonceLen]byte
	copy(nonce[:], sealed)
	if !p.both && nonce[0]&0x80 == p.mine {
		return nil, fmt.Errorf("%w (its direction bit says this side sealed it)", ErrOpen)
	}
	out, ok := secretbox.Open(dst, sealed[NonceLen:], &nonce, &p.k)
	if !ok {
		return nil, ErrOpen
	}
	return out, nil
}

// IsZero reports whether s is the zero SharedKey.
func (s SharedKey) IsZero() bool { return s.p == nil }

// String hides the key.
func (s SharedKey) String() string { return "shared-key:<redacted>" }

// GoString hides the key from %#v.
func (s SharedKey) GoString() string { return s.String() }

// Format hides the key whatever the verb.
func (s SharedKey) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue hides the key from slog.
func (s SharedKey) LogValue() slog.Value { return slog.StringValue(s.String()) }

// SharedSecret returns the raw X25519 output between k and peer, for the
// tunnel's key derivation (HKDF over it). It refuses a peer key of low
// order, whose output is all zero and known to everyone.
func (k PrivateKey) SharedSecret(peer PublicKey) ([KeyLen]byte, error) {
	return k.must().dh(peer)
}
