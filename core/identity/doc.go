// Package identity holds nport identities: a name such as "@alice" and an
// X25519 key pair, with the NaCl box primitives that use them, the key
// files in the nport home and the pinned keys of known peers.
//
// Keys are opaque: they compare in constant time, print as a typed text
// form ("nport-pub:...") or a short fingerprint, and a private key never
// prints at all. Only the wire encoding reaches raw bytes, through
// PublicKey.Raw and PublicKeyFromRaw. The box functions choose the nonce
// themselves, so no caller can ever reuse one.
package identity
