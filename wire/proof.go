package wire

import "crypto/subtle"

// The handshake proofs. Each side seals a fresh challenge of the other
// side in a NaCl box between the two long-term keys: only the holder of
// one of the two private keys can make it, and a recorded proof is useless
// on another connection, whose challenge differs.
//
// A NaCl box key is the same in both directions, so each proof starts with
// its own context string: a relay's proof can never pass for a client's,
// nor the reverse, nor either for a sealed message.
const (
	// ServerProofContext starts the plaintext of the relay's proof.
	ServerProofContext = "nport relay proof v1"
	// ClientProofContext starts the plaintext of the client's proof.
	ClientProofContext = "nport client proof v1"
)

// ChallengeLen is the size of a handshake challenge.
const ChallengeLen = 32

// ServerProofLen is the exact size of the proof in a ServerHello.
const ServerProofLen = NonceSize + BoxOverhead + len(ServerProofContext) + ChallengeLen

// ClientProofLen is the size of the proof in a ClientAuth for a name of
// nameLen bytes.
func ClientProofLen(nameLen int) int {
	return NonceSize + BoxOverhead + len(ClientProofContext) + ChallengeLen + nameLen
}

// ServerProofPlaintext is what the relay seals for the client:
// ServerProofContext || clientChallenge.
func ServerProofPlaintext(clientChallenge [ChallengeLen]byte) []byte {
	b := make([]byte, 0, len(ServerProofContext)+ChallengeLen)
	b = append(b, ServerProofContext...)
	return append(b, clientChallenge[:]...)
}

// ClientProofPlaintext is what the client seals for the relay:
// ClientProofContext || relayChallenge || name. The name binds the proof
// to the identity claimed in the ClientHello.
func ClientProofPlaintext(relayChallenge [ChallengeLen]byte, name string) []byte {
	b := make([]byte, 0, len(ClientProofContext)+ChallengeLen+len(name))
	b = append(b, ClientProofContext...)
	b = append(b, relayChallenge[:]...)
	return append(b, name...)
}

// CheckServerProof reports, in constant time, whether an opened relay
// proof is ServerProofPlaintext(clientChallenge).
func CheckServerProof(plaintext []byte, clientChallenge [ChallengeLen]byte) bool {
	return subtle.ConstantTimeCompare(plaintext, ServerProofPlaintext(clientChallenge)) == 1
}

// CheckClientProof reports, in constant time, whether an opened client
// proof is ClientProofPlaintext(relayChallenge, name).
func CheckClientProof(plaintext []byte, relayChallenge [ChallengeLen]byte, name string) bool {
	return subtle.ConstantTimeCompare(plaintext, ClientProofPlaintext(relayChallenge, name)) == 1
}

// parseMagicVersion reads the magic and version that open a connection's
// first frame. The version is checked before anything after it, so that a
// newer peer is told about the version rather than about its layout.
func parseMagicVersion(p *parser) {
	var m [4]byte
	p.array("magic", m[:])
	if p.err == nil && m != Magic {
		p.fail("magic", "got %q, want %q (not an nport peer)", m[:], Magic[:])
	}
	checkVersion(p)
}

// checkVersion reads a version byte and refuses any but ProtocolVersion.
func checkVersion(p *parser) {
	v := p.u8("version")
	if p.err == nil && v != ProtocolVersion {
		p.err = versionError(p.t, v)
	}
}

// appendMagicVersion is the encoder's side of parseMagicVersion.
func appendMagicVersion(b []byte) []byte {
	return append(append(b, Magic[:]...), ProtocolVersion)
}
