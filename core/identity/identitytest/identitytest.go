// Package identitytest makes identities for tests.
package identitytest

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/nport/nport/core/identity"
)

// Fixed returns an identity whose private key is 32 bytes of seed, so that
// recorded exchanges (fuzz seeds, say) stay valid from run to run.
func Fixed(t testing.TB, name string, seed byte) identity.Identity {
	t.Helper()
	key, err := identity.ParsePrivateKey(identity.PrivatePrefix + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{seed}, identity.KeyLen)))
	if err != nil {
		t.Fatal(err)
	}
	return identity.Identity{Name: identity.Name(name), Key: key}
}
