package seal

import (
	"bytes"
	"errors"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

func mustKey(t testing.TB) identity.PrivateKey {
	t.Helper()
	k, err := identity.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	return k
}

func testMessage(t testing.TB) wire.Message {
	t.Helper()
	m, err := NewMessage(wire.MsgPing, [16]byte{1, 2, 3}, map[string]string{"device": "garage_pi"})
	if err != nil {
		t.Fatalf("NewMessage: %v", err)
	}
	return m
}

func equalMessage(a, b wire.Message) bool {
	return a.Type == b.Type && a.ID == b.ID && a.Time == b.Time && a.Session == b.Session && bytes.Equal(a.Body, b.Body)
}

func TestSealOpen(t *testing.T) {
	alice, bob, eve := mustKey(t), mustKey(t), mustKey(t)
	m := testMessage(t)
	env := Seal(alice, bob.Public(), m)
	if env[0] != Version || len(env) != Overhead+wire.MessageHeaderLen+len(m.Body) {
		t.Fatalf("got version %d and %d bytes, want %d and %d", env[0], len(env), Version, Overhead+wire.MessageHeaderLen+len(m.Body))
	}
	with := func(f func([]byte) []byte) []byte { return f(bytes.Clone(env)) }
	// wrongInner seals a plaintext that is not a version 1 message.
	wrongInner := append([]byte{Version}, alice.SealTo(bob.Public(), append([]byte{2}, make([]byte, wire.MessageHeaderLen)...))...)
	tests := []struct {
		name string
		to   identity.PrivateKey
		from identity.PublicKey
		env  []byte
		want error
	}{
		{"right keys", bob, alice.Public(), env, nil},
		{"wrong recipient", eve, alice.Public(), env, ErrOpen},
		{"wrong sender", bob, eve.Public(), env, ErrOpen},
		{"reflected to sender", alice, bob.Public(), env, ErrOpen},
		{"flipped nonce bit", bob, alice.Public(), with(func(b []byte) []byte { b[5] ^= 0x10; return b }), ErrOpen},
		{"flipped direction bit", bob, alice.Public(), with(func(b []byte) []byte { b[1] ^= 0x80; return b }), ErrOpen},
		{"flipped body byte", bob, alice.Public(), with(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), ErrOpen},
		{"truncated by one", bob, alice.Public(), env[:len(env)-1], ErrOpen},
		{"truncated to header", bob, alice.Public(), env[:Overhead], ErrShort},
		{"empty", bob, alice.Public(), nil, ErrShort},
		{"wrong version", bob, alice.Public(), with(func(b []byte) []byte { b[0] = 2; return b }), ErrVersion},
		{"version zero", bob, alice.Public(), with(func(b []byte) []byte { b[0] = 0; return b }), ErrVersion},
		{"wrong message version", bob, alice.Public(), wrongInner, wire.ErrMessageVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Open(tt.to, tt.from, tt.env)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
				return
			}
			if err != nil || !equalMessage(got, m) {
				t.Fatalf("got %+v, %v, want %+v, nil", got, err, m)
			}
		})
	}
}

func TestOpenEveryFlippedByte(t *testing.T) {
	alice, bob := mustKey(t), mustKey(t)
	env := Seal(alice, bob.Public(), testMessage(t))
	for i := 1; i < len(env); i++ {
		env[i] ^= 0x01
		if _, err := Open(bob, alice.Public(), env); !errors.Is(err, ErrOpen) {
			t.Errorf("got %v with byte %d flipped, want ErrOpen", err, i)
		}
		env[i] ^= 0x01
	}
}

func TestSealer(t *testing.T) {
	alice, bob := mustKey(t), mustKey(t)
	a := NewSealer(alice.Shared(bob.Public()))
	b := NewSealer(bob.Shared(alice.Public()))
	m := testMessage(t)
	got, err := b.Open(a.Seal(m))
	if err != nil || !equalMessage(got, m) {
		t.Fatalf("got %+v, %v, want %+v", got, err, m)
	}
	// Sealer and the one-shot functions make the same envelopes.
	if got, err := Open(alice, bob.Public(), b.Seal(m)); err != nil || !equalMessage(got, m) {
		t.Errorf("got %v opening a Sealer envelope with Open", err)
	}
	if _, err := a.Open(a.Seal(m)); !errors.Is(err, ErrOpen) {
		t.Errorf("got %v opening an own envelope, want ErrOpen", err)
	}
}
