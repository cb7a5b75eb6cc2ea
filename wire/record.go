package wire

import "encoding/binary"

// The record layer: what a rendezvous socket carries after
// RendezvousPaired, both ways, until either side closes.
//
// Cipher: the TunnelRequest lists the AEADs the client offers, best first
// (Cipher* below); the TunnelReply names the one the daemon chose. Both
// offer AES-256-GCM only where their CPU has AES instructions (it is then
// several times faster), and ChaCha20-Poly1305 always; a request that
// lists none means ChaCha20-Poly1305.
//
// Keys: each party knows the other's ephemeral X25519 public key from the
// TunnelRequest and TunnelReply (sealed, so authenticated by the long-term
// keys). Both compute the X25519 shared secret of the two ephemeral keys
// and expand it with HKDF-SHA256, salt = the 16-byte session id,
// info = RecordInfo followed by a space and the cipher's name, into
// 2 × RecordKeyLen bytes: the first RecordKeyLen key the client → daemon
// direction, the next the daemon → client one.
// The ephemeral private keys are dropped once the keys are derived, which
// gives the tunnel forward secrecy.
//
// Records, back to back in each direction:
//
//	length      uint16             ciphertext length,
//	                               RecordOverhead..MaxRecordCiphertext
//	ciphertext  [length]byte       AEAD seal of 0..MaxRecordPlaintext
//	                               bytes, nonce RecordNonce(counter), no
//	                               additional data
//
// The counter starts at 0 in each direction and counts the records sent
// in it; a side stops (closes the tunnel) before it would wrap. A record
// with a length out of range, or that fails to open, ends the tunnel: a
// reader never delivers bytes it has not authenticated. Since each
// direction has its own key, a record cannot be reflected back to its
// sender, and the counter makes reordering, replay or a dropped record
// fail to open.
const (
	// RecordInfo starts the HKDF info string of the record keys.
	RecordInfo = "nport record v2"
	// RecordKeyLen is the size of one direction's key, for either cipher.
	RecordKeyLen = 32
	// MaxRecordPlaintext is the most plaintext one record carries.
	MaxRecordPlaintext = 16 << 10
	// RecordHeaderLen is the size of the length before each ciphertext.
	RecordHeaderLen = 2
	// RecordOverhead is what sealing adds to a record's plaintext.
	RecordOverhead = 16
	// MaxRecordCiphertext is the largest ciphertext length a reader accepts.
	MaxRecordCiphertext = MaxRecordPlaintext + RecordOverhead
	// RecordNonceLen is the size of a record nonce.
	RecordNonceLen = 12
)

// The record ciphers, by their names in TunnelRequest and TunnelReply.
// Both have 32-byte keys, 12-byte nonces and 16-byte tags.
const (
	CipherChaCha20Poly1305 = "chacha20-poly1305"
	CipherAES256GCM        = "aes-256-gcm"
)

// RecordNonce is the nonce of the record numbered counter in its
// direction: 4 zero bytes, then the counter as a big-endian uint64.
func RecordNonce(counter uint64) [RecordNonceLen]byte {
	var n [RecordNonceLen]byte
	binary.BigEndian.PutUint64(n[4:], counter)
	return n
}
