// Package seal puts nport messages in sealed envelopes and takes them out,
// and guards receivers against replays.
//
// An envelope is what a relay carries for one recipient:
//
//	version  uint8     Version (1); a receiver refuses any other value
//	nonce    [24]byte  random, except its top bit (see below)
//	box      [...]byte NaCl box (XSalsa20-Poly1305) of the plaintext, sender's
//	                   key to recipient's: 16 bytes of tag, then the ciphertext
//
// The plaintext is a wire.Message encoded with wire.AppendMessage: version,
// type, message GUID, time, session GUID, JSON body. The relay sees the
// envelope only, never the message.
//
// A NaCl box key is the same in both directions, so the top bit of the
// first nonce byte says who sealed: 1 when the sender's public key sorts
// after the recipient's (bytes compared), else 0. A receiver refuses an
// envelope with the wrong bit, so a relay cannot send a message back to its
// author as if the peer had written it. When sender and recipient are the
// same key the bit is not checked.
//
// An envelope that opens is authentic but may be old: pass every message to
// a ReplayGuard before acting on it.
package seal
