package sshkey

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"testing"
)

// line makes a public key line of type typ whose blob names blobType.
func line(typ, blobType, comment string) string {
	blob := binary.BigEndian.AppendUint32(nil, uint32(len(blobType)))
	blob = append(blob, blobType...)
	blob = binary.BigEndian.AppendUint32(blob, 32)
	blob = append(blob, make([]byte, 32)...)
	return typ + " " + base64.StdEncoding.EncodeToString(blob) + comment
}

func TestParse(t *testing.T) {
	good := line("ssh-ed25519", "ssh-ed25519", " alice@laptop")
	k, err := Parse(good + "\n")
	if err != nil {
		t.Fatalf("Parse(%q): %v", good, err)
	}
	if want := line("ssh-ed25519", "ssh-ed25519", ""); k.String() != want {
		t.Errorf("got %q, want %q (comment dropped)", k.String(), want)
	}
	for _, tt := range []struct {
		name, in string
		want     error
	}{
		{"private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", ErrPrivateKey},
		{"options before the key", `command="sh" ` + good, ErrNotPublicKey},
		{"two lines", good + "\n" + good, ErrNotPublicKey},
		{"unknown type", line("ssh-dss", "ssh-dss", ""), ErrNotPublicKey},
		{"blob of another type", line("ssh-rsa", "ssh-ed25519", ""), ErrNotPublicKey},
		{"not base64", "ssh-ed25519 !!!!", ErrNotPublicKey},
		{"type alone", "ssh-ed25519", ErrNotPublicKey},
		{"empty", "", ErrNotPublicKey},
	} {
		if _, err := Parse(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(line("ssh-ed25519", "ssh-ed25519", " c"))
	f.Add("ssh-rsa AAAA")
	f.Fuzz(func(t *testing.T, in string) {
		k, err := Parse(in)
		if err != nil {
			return
		}
		if again, err := Parse(k.String()); err != nil || again != k {
			t.Fatalf("Parse(%q) = %q, which parses as %q, %v", in, k, again, err)
		}
	})
}
