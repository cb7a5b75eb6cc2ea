package claim

import (
	"crypto/rand"
	"crypto/sha256"

	"github.com/nport/nport/wire"
)

// NewToken returns a fresh random claim token in its text form
// (wire.FormatClaimToken), and the hash under which the relay keeps its
// invitation: the relay never stores the token itself.
func NewToken() (text string, hash [32]byte) {
	var raw [wire.ClaimTokenLen]byte
	rand.Read(raw[:]) // never fails: see crypto/rand.Read
	return wire.FormatClaimToken(raw), sha256.Sum256(raw[:])
}

// hashToken is the key of a token's invitation.
func hashToken(raw []byte) [32]byte { return sha256.Sum256(raw) }
