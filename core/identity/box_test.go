package identity

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	alice, bob, eve := mustKey(t), mustKey(t), mustKey(t)
	msg := []byte("ssh request for @garage_pi")
	sealed := alice.SealTo(bob.Public(), msg)
	if len(sealed) != len(msg)+Overhead {
		t.Fatalf("got %d sealed bytes, want %d", len(sealed), len(msg)+Overhead)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name   string
		to     PrivateKey
		from   PublicKey
		sealed []byte
		ok     bool
	}{
		{"right keys", bob, alice.Public(), sealed, true},
		{"wrong recipient", eve, alice.Public(), sealed, false},
		{"wrong sender", bob, eve.Public(), sealed, false},
		{"sender opens own box", alice, bob.Public(), sealed, false},
		{"flipped nonce byte", bob, alice.Public(), flip(3), false},
		{"flipped tag byte", bob, alice.Public(), flip(NonceLen + 2), false},
		{"flipped last byte", bob, alice.Public(), flip(len(sealed) - 1), false},
		{"truncated", bob, alice.Public(), sealed[:len(sealed)-1], false},
		{"shorter than overhead", bob, alice.Public(), sealed[:Overhead-1], false},
		{"empty", bob, alice.Public(), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.to.OpenFrom(tt.from, tt.sealed)
			if !tt.ok {
				if !errors.Is(err, ErrOpen) {
					t.Fatalf("got %q, %v, want ErrOpen", got, err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("got %q, %v, want %q, nil", got, err, msg)
			}
		})
	}
}

// TestNoReflection checks that a box sent back to its sender does not
// open as if the peer had sealed it, in both key orders.
func TestNoReflection(t *testing.T) {
	a, b := mustKey(t), mustKey(t)
	for _, pair := range [][2]PrivateKey{{a, b}, {b, a}} {
		from, to := pair[0], pair[1]
		sealed := from.SealTo(to.Public(), []byte("x"))
		if _, err := from.OpenFrom(to.Public(), sealed); !errors.Is(err, ErrOpen) {
			t.Errorf("got %v opening a reflected box, want ErrOpen", err)
		}
		if _, err := to.OpenFrom(from.Public(), sealed); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	}
}

func TestSealToSelf(t *testing.T) {
	k := mustKey(t)
	got, err := k.OpenFrom(k.Public(), k.SealTo(k.Public(), []byte("note")))
	if err != nil || string(got) != "note" {
		t.Errorf("got %q, %v, want note, nil", got, err)
	}
}

func TestSharedKey(t *testing.T) {
	a, b := mustKey(t), mustKey(t)
	ab, ba := a.Shared(b.Public()), b.Shared(a.Public())
	prefix := []byte("hdr")
	sealed := ab.Seal(bytes.Clone(prefix), []byte("hello"))
	if !bytes.HasPrefix(sealed, prefix) {
		t.Fatalf("got %x, want it to start with the dst bytes", sealed)
	}
	got, err := ba.Open([]byte("> "), sealed[len(prefix):])
	if err != nil || string(got) != "> hello" {
		t.Errorf("got %q, %v, want \"> hello\", nil", got, err)
	}
	if ab.IsZero() || !(SharedKey{}).IsZero() {
		t.Errorf("got IsZero wrong")
	}
}

func TestSharedKeyWeakPeer(t *testing.T) {
	k := mustKey(t)
	s := k.Shared(PublicKeyFromRaw(lowOrder["one"]))
	sealed := s.Seal(nil, []byte("x"))
	if _, err := s.Open(nil, sealed); !errors.Is(err, ErrWeakKey) || !errors.Is(err, ErrOpen) {
		t.Errorf("got %v, want ErrOpen and ErrWeakKey", err)
	}
}

// TestNaClVector checks the box against the output of the C NaCl library
// (the vector x/crypto's nacl/box tests with), so that any NaCl peer can
// read what nport seals.
func TestNaClVector(t *testing.T) {
	var k1, k2 [KeyLen]byte
	for i := range k1 {
		k1[i], k2[i] = 1, 2
	}
	sender, err := privateFromRaw(k2)
	if err != nil {
		t.Fatal(err)
	}
	receiver, err := privateFromRaw(k1)
	if err != nil {
		t.Fatal(err)
	}
	var nonce [NonceLen]byte
	for i := range nonce {
		nonce[i] = 4
	}
	msg := bytes.Repeat([]byte{3}, 64)
	want, _ := hex.DecodeString("78ea30b19d2341ebbdba54180f821eec265cf86312549bea8a37652a8bb94f07b78a73ed1708085e6ddd0e943bbdeb8755079a37eb31d86163ce241164a47629c0539f330b4914cd135b3855bc2a2dfc")
	got := sender.Shared(receiver.Public()).sealWith(nil, msg, &nonce)
	if !bytes.Equal(got[NonceLen:], want) {
		t.Errorf("got box %x, want %x", got[NonceLen:], want)
	}
}
