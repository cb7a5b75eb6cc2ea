package record

import (
	"bytes"
	"io"
	"slices"
	"testing"
)

func TestCiphersCarryTheStream(t *testing.T) {
	for _, c := range []Cipher{ChaCha20Poly1305, AES256GCM} {
		t.Run(string(c), func(t *testing.T) {
			a, b := tcpPair(t)
			client, daemon := newPairWith(t, a, b, c)
			msg := randomBytes(t, 100_000)
			go func() {
				client.Write(msg)
				client.CloseWrite()
			}()
			got, err := io.ReadAll(daemon)
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("got %d bytes (%v), want the %d written", len(got), err, len(msg))
			}
		})
	}
}

func TestCipherIsBoundToTheKeys(t *testing.T) {
	k := newKeys(t)
	chacha, _, err := deriveKeys(ChaCha20Poly1305, k.client, k.daemon.Public(), k.session)
	if err != nil {
		t.Fatal(err)
	}
	aes, _, err := deriveKeys(AES256GCM, k.client, k.daemon.Public(), k.session)
	if err != nil {
		t.Fatal(err)
	}
	if chacha == aes {
		t.Error("got the same key for both ciphers, want the cipher bound to the keys")
	}
}

func TestChooseAndParse(t *testing.T) {
	offer := Offer()
	if offer[len(offer)-1] != ChaCha20Poly1305 || slices.Contains(offer, AES256GCM) != hasAESGCM {
		t.Errorf("Offer() = %v with AES instructions %v, want AES-GCM first exactly when there are, ChaCha20-Poly1305 always", offer, hasAESGCM)
	}
	tests := []struct {
		offered []string
		want    Cipher
	}{
		{nil, ChaCha20Poly1305},
		{[]string{"chacha20-poly1305"}, ChaCha20Poly1305},
		{[]string{"rot13", "chacha20-poly1305"}, ChaCha20Poly1305},
		{[]string{"aes-256-gcm", "chacha20-poly1305"}, map[bool]Cipher{true: AES256GCM, false: ChaCha20Poly1305}[hasAESGCM]},
	}
	for _, tt := range tests {
		if got := Choose(tt.offered); got != tt.want {
			t.Errorf("Choose(%q) = %s, want %s", tt.offered, got, tt.want)
		}
	}
	for name, want := range map[string]Cipher{"": ChaCha20Poly1305, "chacha20-poly1305": ChaCha20Poly1305, "aes-256-gcm": AES256GCM} {
		if got, err := ParseCipher(name); err != nil || got != want {
			t.Errorf("ParseCipher(%q) = %s, %v; want %s", name, got, err, want)
		}
	}
	if _, err := ParseCipher("rot13"); err == nil {
		t.Error(`ParseCipher("rot13"): got nil error`)
	}
}
