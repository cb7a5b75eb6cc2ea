package identity

import (
	"errors"
	"testing"
)

// mustKey returns a new key pair or fails the test.
func mustKey(t testing.TB) PrivateKey {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	return k
}

// lowOrder holds X25519 points of small order: 0, 1, and a point of
// order 8 (from the list libsodium blocks).
var lowOrder = map[string][KeyLen]byte{
	"zero": {},
	"one":  {1},
	"order8": {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
		0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
}

func TestGenerateKey(t *testing.T) {
	a, b := mustKey(t), mustKey(t)
	if a.Equal(b) || a.Public().Equal(b.Public()) {
		t.Fatalf("two generated keys are equal")
	}
	if a.IsZero() || a.Public().IsZero() {
		t.Errorf("got a zero key from GenerateKey")
	}
	if !(PrivateKey{}).IsZero() || !(PublicKey{}).IsZero() {
		t.Errorf("got IsZero false for the zero keys, want true")
	}
	if err := a.Public().Validate(); err != nil {
		t.Errorf("got %v for a generated key, want nil", err)
	}
	if !a.Equal(a) || !a.Public().Equal(a.Public()) {
		t.Errorf("got a key not equal to itself")
	}
}

func TestRawRoundTrip(t *testing.T) {
	pub := mustKey(t).Public()
	if got := PublicKeyFromRaw(pub.Raw()); !got.Equal(pub) {
		t.Errorf("got %v, want %v", got, pub)
	}
}

func TestValidateLowOrder(t *testing.T) {
	for name, raw := range lowOrder {
		t.Run(name, func(t *testing.T) {
			if err := PublicKeyFromRaw(raw).Validate(); !errors.Is(err, ErrWeakKey) {
				t.Errorf("got %v, want ErrWeakKey", err)
			}
		})
	}
}

func TestSharedSecret(t *testing.T) {
	a, b := mustKey(t), mustKey(t)
	ab, err := a.SharedSecret(b.Public())
	if err != nil {
		t.Fatalf("SharedSecret: %v", err)
	}
	ba, err := b.SharedSecret(a.Public())
	if err != nil {
		t.Fatalf("SharedSecret: %v", err)
	}
	if ab != ba {
		t.Errorf("got different secrets on the two sides")
	}
	for name, raw := range lowOrder {
		t.Run(name, func(t *testing.T) {
			if _, err := a.SharedSecret(PublicKeyFromRaw(raw)); !errors.Is(err, ErrWeakKey) {
				t.Errorf("got %v, want ErrWeakKey", err)
			}
		})
	}
}

func TestZeroPrivateKey(t *testing.T) {
	var zero PrivateKey
	if !zero.Public().IsZero() || !zero.Equal(PrivateKey{}) || zero.Equal(mustKey(t)) || mustKey(t).Equal(zero) {
		t.Errorf("got the zero key behaving like a key")
	}
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("got no panic sealing with the zero key, want one")
		}
	}()
	zero.SealTo(mustKey(t).Public(), nil)
}
