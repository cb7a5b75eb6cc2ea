package identity

import (
	"strings"
	"testing"
)

// Keys used as fuzz seeds (also in testdata/fuzz).
const (
	seedPriv  = "nport-priv:1NJXzk0alFxPCNbcF05FOnQM-ZFt-aUS27lfapkj4rE"
	seedPub   = "nport-pub:a7GWBYnXuezyJ6fJhDuYflg0fVCXhoRfBGk39cO0GSQ"
	seedPub2  = "nport-pub:YqmwxthNcoAtdW4KkfRyJZCLQ5iWxnd10aDnz210_H0"
	seedKnown = "# pins\n@alice " + seedPub + "\nrelay:r.example.com:443 " + seedPub2 + " # relay\n\n"
)

func TestSeedKeysMatch(t *testing.T) {
	k, err := ParsePrivateKey(seedPriv)
	if err != nil || k.Public().String() != seedPub {
		t.Errorf("got %v, %v, want the seed public key", k.Public(), err)
	}
}

func FuzzParsePublicKey(f *testing.F) {
	for _, s := range []string{seedPub, seedPriv, " " + seedPub + "\n", "nport-pub:", "nport-pub:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x:y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePublicKey(s)
		if err != nil {
			return
		}
		if got := k.String(); got != strings.TrimSpace(s) {
			t.Fatalf("got String() %q, want %q: the text form is not unique", got, strings.TrimSpace(s))
		}
		if k.Validate() != nil {
			t.Fatalf("parsed a weak key %v", k)
		}
		var back PublicKey
		if err := back.UnmarshalText([]byte(k.String())); err != nil || !back.Equal(k) {
			t.Fatalf("got %v, %v, want %v back", back, err, k)
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	for _, s := range []string{seedPriv, seedPub, "nport-priv:", "nport-priv:" + strings.Repeat("_", textLen), "-----BEGIN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePrivateKey(s)
		if err != nil {
			return
		}
		if got := k.RevealText(); got != strings.TrimSpace(s) {
			t.Fatalf("got %q, want %q: the text form is not unique", got, strings.TrimSpace(s))
		}
		if k.Public().IsZero() {
			t.Fatalf("got a zero public key")
		}
	})
}

func FuzzKnownIdentities(f *testing.F) {
	for _, s := range []string{seedKnown, "", "#\n", "@a " + seedPub + " extra", "relay:[::1]:443 " + seedPub, "@a " + seedPub + "\n@a " + seedPub2} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pins, err := parseKnown(data, "fuzz")
		if err != nil {
			return
		}
		var b strings.Builder
		for subject, p := range pins {
			if err := checkSubject(subject); err != nil {
				t.Fatalf("parsed a bad subject %q: %v", subject, err)
			}
			if p.line < 1 {
				t.Fatalf("got line %d for %q", p.line, subject)
			}
			b.WriteString(subject + " " + p.key.String() + "\n")
		}
		again, err := parseKnown([]byte(b.String()), "again")
		if err != nil || len(again) != len(pins) {
			t.Fatalf("got %d pins, %v re-reading the %d written back", len(again), err, len(pins))
		}
		for subject, p := range pins {
			if !again[subject].key.Equal(p.key) {
				t.Fatalf("got a different key for %q after writing back", subject)
			}
		}
	})
}
