package claim

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/nport/nport/wire"
)

// TokenPrefix starts the text form of a claim token, so that it cannot be
// mistaken for a key: nport-claim: and the unpadded base64url of its 32
// bytes.
const TokenPrefix = "nport-claim:"

// TokenLen is the length of a claim token in bytes.
const TokenLen = 32

// NewToken returns a fresh random token in its text form, and the hash
// under which the relay keeps its invitation.
func NewToken() (text string, hash [32]byte) {
	var raw [TokenLen]byte
	rand.Read(raw[:]) // never fails: see crypto/rand.Read
	return TokenPrefix + wire.Encode32(raw), sha256.Sum256(raw[:])
}

// ParseToken reads the text form of a token and returns its bytes.
func ParseToken(text string) ([TokenLen]byte, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(text), TokenPrefix)
	if !ok {
		return [TokenLen]byte{}, fmt.Errorf("claim: bad token: want %s and 43 characters, as `nport relay invite` prints it", TokenPrefix)
	}
	raw, err := wire.Decode32(rest)
	if err != nil {
		return [TokenLen]byte{}, fmt.Errorf("claim: bad token: %w", err)
	}
	return raw, nil
}

// hashToken is the key of a token's invitation.
func hashToken(raw []byte) [32]byte { return sha256.Sum256(raw) }
