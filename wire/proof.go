package wire

import (
	"crypto/subtle"
	"fmt"
	"strings"
)

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
	ServerProofContext = "nport relay proof v2"
	// ClientProofContext starts the plaintext of the client's proof.
	ClientProofContext = "nport client proof v2"
)

// ChallengeLen is the size of a handshake challenge.
const ChallengeLen = 32

// ClaimTokenLen is the size of a claim token: a single-use invitation an
// operator hands out (`nport relay invite @name`) for one identity to
// claim its name on a relay that admits invited identities only. It
// travels inside the client's proof, so only the relay ever reads it.
const ClaimTokenLen = 32

// ClaimTokenPrefix starts the text form of a claim token, which is the
// prefix and the token as Encode32 text.
const ClaimTokenPrefix = "nport-claim:"

// ServerProofLen is the exact size of the proof in a ServerHello.
const ServerProofLen = NonceSize + BoxOverhead + len(ServerProofContext) + ChallengeLen

// ClientProofLen is the size of the proof in a ClientAuth for a name of
// nameLen bytes and a claim token of tokenLen bytes (0 or ClaimTokenLen).
func ClientProofLen(nameLen, tokenLen int) int {
	return NonceSize + BoxOverhead + len(ClientProofContext) + ChallengeLen + nameLen + tokenLen
}

// ServerProofPlaintext is what the relay seals for the client:
// ServerProofContext || clientChallenge.
func ServerProofPlaintext(clientChallenge [ChallengeLen]byte) []byte {
	b := make([]byte, 0, len(ServerProofContext)+ChallengeLen)
	b = append(b, ServerProofContext...)
	return append(b, clientChallenge[:]...)
}

// ClientProofPlaintext is what the client seals for the relay:
// ClientProofContext || relayChallenge || name || token. The name binds
// the proof to the identity claimed in the ClientHello; token is empty,
// or the ClaimTokenLen bytes of a claim token.
func ClientProofPlaintext(relayChallenge [ChallengeLen]byte, name string, token []byte) []byte {
	b := make([]byte, 0, len(ClientProofContext)+ChallengeLen+len(name)+len(token))
	b = append(b, ClientProofContext...)
	b = append(b, relayChallenge[:]...)
	b = append(b, name...)
	return append(b, token...)
}

// CheckServerProof reports, in constant time, whether an opened relay
// proof is ServerProofPlaintext(clientChallenge).
func CheckServerProof(plaintext []byte, clientChallenge [ChallengeLen]byte) bool {
	return subtle.ConstantTimeCompare(plaintext, ServerProofPlaintext(clientChallenge)) == 1
}

// CheckClientProof reports, in constant time, whether an opened client
// proof is ClientProofPlaintext(relayChallenge, name, token) for no token
// or one of ClaimTokenLen bytes, and returns the token (nil if none,
// aliasing plaintext otherwise).
func CheckClientProof(plaintext []byte, relayChallenge [ChallengeLen]byte, name string) (token []byte, ok bool) {
	want := ClientProofPlaintext(relayChallenge, name, nil)
	switch len(plaintext) - len(want) {
	case 0:
	case ClaimTokenLen:
		token = plaintext[len(want):]
	default:
		return nil, false
	}
	if subtle.ConstantTimeCompare(plaintext[:len(want)], want) != 1 {
		return nil, false
	}
	return token, true
}

// FormatClaimToken returns the text form of a claim token.
func FormatClaimToken(token [ClaimTokenLen]byte) string {
	return ClaimTokenPrefix + Encode32(token)
}

// ParseClaimToken reads the text form of a claim token.
func ParseClaimToken(s string) ([ClaimTokenLen]byte, error) {
	rest, ok := strings.CutPrefix(s, ClaimTokenPrefix)
	if !ok {
		return [ClaimTokenLen]byte{}, fmt.Errorf("wire: a claim token starts with %q (it is printed by `nport relay invite`)", ClaimTokenPrefix)
	}
	t, err := Decode32(rest)
	if err != nil {
		return [ClaimTokenLen]byte{}, fmt.Errorf("wire: claim token: %w", err)
	}
	return t, nil
}
