package identity

import (
	"testing"
)

func TestCanonical(t *testing.T) {
	ff := func(first, last byte) [KeyLen]byte {
		var k [KeyLen]byte
		for i := range k {
			k[i] = 0xff
		}
		k[0], k[31] = first, last
		return k
	}
	tests := []struct {
		name string
		raw  [KeyLen]byte
		want bool
	}{
		{"zero", [KeyLen]byte{}, true},
		{"top bit set", [KeyLen]byte{9, 31: 0x80}, false},
		{"p-1", ff(0xec, 0x7f), true},
		{"p", ff(0xed, 0x7f), false},
		{"2^255-1", ff(0xff, 0x7f), false},
		{"below p in the middle", func() [KeyLen]byte { k := ff(0xff, 0x7f); k[15] = 0xfe; return k }(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canonical(tt.raw); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	for range 100 {
		k, err := GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		if !canonical(k.Public().Raw()) {
			t.Fatalf("generated key %v is not canonical", k.Public())
		}
	}
}
