package identity

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
)

// KeyLen is the length of a raw X25519 key.
const KeyLen = 32

// PublicKey is the public half of an identity (or ephemeral) X25519 key.
// It is opaque: only the wire encoding reaches its bytes, through Raw and
// PublicKeyFromRaw. The zero PublicKey means "no key".
type PublicKey struct {
	k [KeyLen]byte
}

// PrivateKey is an X25519 private key with its public half. It never shows
// its secret in logs or formatted output; only RevealText gives it away,
// for writing key files. The zero PrivateKey is no key: using it to seal
// or open is a bug and panics.
//
// The secret sits behind two pointers so that even a struct holding the
// key in an unexported field, which fmt prints without calling methods,
// shows an address rather than the key: fmt follows one pointer to a
// struct, never a pointer to a pointer.
type PrivateKey struct {
	p **privateKey
}

// privateKey is the secret scalar, its public half (cached because Public
// is called on every seal and handshake) and the crypto/ecdh form of the
// scalar, kept because making it costs a full scalar multiplication.
type privateKey struct {
	k   [KeyLen]byte
	pub PublicKey
	ec  *ecdh.PrivateKey
}

// x25519 is the curve every key is on.
var x25519 = ecdh.X25519()

// GenerateKey returns a new random key pair from crypto/rand.
func GenerateKey() (PrivateKey, error) {
	var k [KeyLen]byte
	if _, err := rand.Read(k[:]); err != nil {
		return PrivateKey{}, fmt.Errorf("identity: generate key: %w", err)
	}
	return privateFromRaw(k)
}

// GenerateEphemeral returns a new key pair for one tunnel. It is the same
// as GenerateKey; the name says the key must be dropped after use, which
// is what gives a session forward secrecy.
func GenerateEphemeral() (PrivateKey, error) { return GenerateKey() }

// privateFromRaw builds a PrivateKey from its scalar, computing the public
// half once.
func privateFromRaw(k [KeyLen]byte) (PrivateKey, error) {
	ec, err := x25519.NewPrivateKey(k[:])
	if err != nil {
		return PrivateKey{}, fmt.Errorf("identity: derive public key: %w", err)
	}
	p := &privateKey{k: k, ec: ec}
	copy(p.pub.k[:], ec.PublicKey().Bytes())
	return PrivateKey{p: &p}, nil
}

// dh returns the X25519 output between p and peer, or ErrWeakKey when it is
// all zero: peer is of low order.
func (p *privateKey) dh(peer PublicKey) ([KeyLen]byte, error) {
	var out [KeyLen]byte
	pub, err := x25519.NewPublicKey(peer.k[:])
	if err == nil {
		var b []byte
		if b, err = p.ec.ECDH(pub); err == nil {
			copy(out[:], b)
			return out, nil
		}
	}
	return out, fmt.Errorf("%w (%v)", ErrWeakKey, err)
}

// must returns the key material, refusing the zero PrivateKey.
func (k PrivateKey) must() *privateKey {
	if k.p == nil {
		panic("identity: use of the zero PrivateKey, which is no key")
	}
	return *k.p
}

// Public returns the public half of k (the zero PublicKey for the zero
// PrivateKey).
func (k PrivateKey) Public() PublicKey {
	if k.p == nil {
		return PublicKey{}
	}
	return (*k.p).pub
}

// IsZero reports whether k is the zero PrivateKey (no key).
func (k PrivateKey) IsZero() bool { return k.p == nil }

// Equal reports whether k and o are the same key, in constant time.
func (k PrivateKey) Equal(o PrivateKey) bool {
	if k.p == nil || o.p == nil {
		return k.p == o.p
	}
	return subtle.ConstantTimeCompare((*k.p).k[:], (*o.p).k[:]) == 1
}

// IsZero reports whether k is the zero PublicKey (no key).
func (k PublicKey) IsZero() bool { return k == PublicKey{} }

// Equal reports whether k and o are the same key, in constant time.
func (k PublicKey) Equal(o PublicKey) bool {
	return subtle.ConstantTimeCompare(k.k[:], o.k[:]) == 1
}

// ErrWeakKey is returned for a public key of low order (the zero key among
// them): every shared secret with such a key is known to everyone.
var ErrWeakKey = errors.New("identity: public key is of low order, so anyone could read or forge what is sealed with it")

// checkKey multiplies by a fixed scalar. Any scalar does: X25519 clamps it
// to a multiple of the cofactor 8, which maps exactly the low-order points
// to zero. It is made on first use, to keep its cost out of start-up.
var checkKey = sync.OnceValue(func() *privateKey {
	k, err := privateFromRaw([KeyLen]byte{8, 31: 64})
	if err != nil {
		panic(err)
	}
	return *k.p
})

// Validate refuses a key of low order (ErrWeakKey) and a key in a
// non-canonical encoding (ErrNonCanonical). ParsePublicKey and
// UnmarshalText call it; keys from PublicKeyFromRaw should be checked with
// it before they are trusted.
func (k PublicKey) Validate() error {
	if !canonical(k.k) {
		return ErrNonCanonical
	}
	_, err := checkKey().dh(k)
	return err
}

// ErrNonCanonical refuses a key in a form no key generator produces.
// X25519 ignores the top bit of a key and reduces it modulo 2^255-19, so
// several 32-byte strings act as the same key, and whoever holds its
// private half could present any of them. Accepting only the canonical
// form keeps a key one value, for pins and the relay's directory alike.
var ErrNonCanonical = errors.New("identity: public key is not in canonical form")

// canonical reports whether raw, a little-endian field element, is below
// p = 2^255-19 with its top bit clear: the encoding X25519 produces.
func canonical(raw [KeyLen]byte) bool {
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

// PublicKeyFromRaw wraps 32 raw bytes. It is for the wire encoding only;
// everything else uses the text form. Call Validate on keys from the
// network.
func PublicKeyFromRaw(raw [KeyLen]byte) PublicKey { return PublicKey{k: raw} }

// Raw returns the 32 raw bytes of k. It is for the wire encoding only;
// everything else uses the text form.
func (k PublicKey) Raw() [KeyLen]byte { return k.k }
