package session

import (
	"strings"
	"testing"
)

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12", "0B9F2C1E-5D3A-4E7B-9C21-6F0A8D4E3B12", "00000000-0000-0000-0000-000000000000", "", "0b9f2c1e5d3a4e7b9c216f0a8d4e3b12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			return
		}
		if got := id.String(); got != strings.ToLower(s) {
			t.Fatalf("got %q, want %q", got, strings.ToLower(s))
		}
		if back, err := ParseID(id.String()); err != nil || back != id {
			t.Fatalf("got %v, %v re-parsing %s", back, err, id)
		}
	})
}

func FuzzParseToken(f *testing.F) {
	for _, s := range []string{"o2bHqW8eV7lN0sYy7kz1JmXc4gP5aQ3rT6uB9dE_fF0", strings.Repeat("A", 43), "", strings.Repeat("A", 42) + "B", "+/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			return
		}
		text, _ := tok.MarshalText()
		if string(text) != s {
			t.Fatalf("got %q, want %q: the text form is not unique", text, s)
		}
	})
}
