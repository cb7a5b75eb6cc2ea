package wire

// A sealed envelope is what Send and Recv frames carry: one Message from
// one identity to another, which nobody between them can read or change.
//
//	version  uint8     SealVersion
//	nonce    [24]byte  random, but for its top bit (below)
//	box      [rest]    crypto_box(sender private key, recipient public key,
//	                   nonce, AppendMessage(msg)): NaCl's box, X25519 with
//	                   XSalsa20 and Poly1305, the plaintext + BoxOverhead
//
// Direction bit: the top bit of nonce[0] is 1 if the sealer's public key
// is bytewise greater than the recipient's, else 0; the other 191 bits
// are random. A box key is the same both ways, so the bit is what lets a
// receiver refuse its own box sent back to it. The handshake proofs are
// boxes with the same nonce rule, without the version byte.
//
// The recipient opens the box with the key in the Recv frame, once it has
// checked that key against its pin for the sender's name; then it decodes
// the Message, and drops it if its id was seen or its time is outside the
// freshness window.
const (
	// SealVersion is the envelope's first byte. A receiver refuses any other.
	SealVersion = 1
	// NonceSize is the size of a box nonce.
	NonceSize = 24
	// BoxOverhead is what a box adds to its plaintext (the Poly1305 tag).
	BoxOverhead = 16

	// SealedOverhead is what an envelope adds to its Message.
	SealedOverhead = 1 + NonceSize + BoxOverhead
	// MinSealedLen is the smallest envelope: a Message with an empty body.
	MinSealedLen = SealedOverhead + MessageHeaderLen
	// MaxSealedLen is the largest envelope: what a Send frame to the
	// longest name can carry (a Recv frame's overhead is smaller, so every
	// Send the relay accepts it can deliver).
	MaxSealedLen = MaxFrameSize - (SendOverhead + MaxNameLen)

	// MaxMessageLen is the largest encoded Message a sender may seal.
	MaxMessageLen = MaxSealedLen - SealedOverhead
	// MaxBodyLen is the largest JSON body of a Message.
	MaxBodyLen = MaxMessageLen - MessageHeaderLen
)
