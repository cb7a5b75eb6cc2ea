package record

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/session"
)

// rawKey returns the private key with the given scalar, and the scalar
// as crypto/ecdh sees it.
func rawKey(t *testing.T, fill byte) (identity.PrivateKey, *ecdh.PrivateKey) {
	t.Helper()
	var raw [32]byte
	for i := range raw {
		raw[i] = fill + byte(i)
	}
	k, err := identity.ParsePrivateKey(identity.PrivatePrefix + base64.RawURLEncoding.EncodeToString(raw[:]))
	if err != nil {
		t.Fatalf("ParsePrivateKey: %v", err)
	}
	e, err := ecdh.X25519().NewPrivateKey(raw[:])
	if err != nil {
		t.Fatalf("ecdh: %v", err)
	}
	return k, e
}

// TestDeriveKeysMatchesSpec computes the keys the way docs/protocol.md
// says, with the standard library only, and compares.
func TestDeriveKeysMatchesSpec(t *testing.T) {
	client, clientECDH := rawKey(t, 1)
	daemon, daemonECDH := rawKey(t, 100)
	id := session.ID{0: 0xaa, 15: 0x55}

	secret, err := clientECDH.ECDH(daemonECDH.PublicKey())
	if err != nil {
		t.Fatalf("ecdh: %v", err)
	}
	okm, err := hkdf.Key(sha256.New, secret, id[:], "nport record v2 chacha20-poly1305", 64)
	if err != nil {
		t.Fatalf("hkdf: %v", err)
	}
	for _, side := range []struct {
		name  string
		local identity.PrivateKey
		peer  identity.PublicKey
	}{
		{"client", client, daemon.Public()},
		{"daemon", daemon, client.Public()},
	} {
		c2d, d2c, err := deriveKeys(ChaCha20Poly1305, side.local, side.peer, id)
		if err != nil {
			t.Fatalf("%s: deriveKeys: %v", side.name, err)
		}
		if string(c2d[:]) != string(okm[:32]) || string(d2c[:]) != string(okm[32:]) {
			t.Errorf("%s: got keys %x %x, want %x", side.name, c2d, d2c, okm)
		}
	}
}

func TestDeriveKeysDiffer(t *testing.T) {
	k := newKeys(t)
	c2d, d2c, err := deriveKeys(ChaCha20Poly1305, k.client, k.daemon.Public(), k.session)
	if err != nil {
		t.Fatalf("deriveKeys: %v", err)
	}
	if c2d == d2c {
		t.Errorf("got the same key for both directions")
	}
	other, _, err := deriveKeys(ChaCha20Poly1305, k.client, k.daemon.Public(), session.NewID())
	if err != nil {
		t.Fatalf("deriveKeys: %v", err)
	}
	if other == c2d {
		t.Errorf("got the same key for another session id")
	}
}

func TestNewRefuses(t *testing.T) {
	k := newKeys(t)
	a, _ := tcpPair(t)
	for _, tc := range []struct {
		name  string
		role  Role
		local identity.PrivateKey
		peer  identity.PublicKey
		want  error // nil: any error
	}{
		{"zero local key", Client, identity.PrivateKey{}, k.daemon.Public(), nil},
		{"zero peer key", Client, k.client, identity.PublicKey{}, identity.ErrWeakKey},
		{"low-order peer key", Daemon, k.daemon, identity.PublicKeyFromRaw([32]byte{1}), identity.ErrWeakKey},
		{"no role", 0, k.client, k.daemon.Public(), nil},
		{"unknown role", 7, k.client, k.daemon.Public(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(a, ChaCha20Poly1305, tc.role, tc.local, tc.peer, k.session)
			if err == nil || c != nil {
				t.Fatalf("got %v, %v, want an error", c, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestRoleString(t *testing.T) {
	for _, tc := range []struct {
		role Role
		want string
	}{
		{Client, "client"},
		{Daemon, "daemon"},
		{9, "role-9"},
	} {
		if got := tc.role.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
