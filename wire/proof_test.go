package wire

import (
	"bytes"
	"testing"
)

func TestProofPlaintexts(t *testing.T) {
	ch := key(0xa0)
	server := ServerProofPlaintext(ch)
	if want := append([]byte("nport relay proof v1"), ch[:]...); !bytes.Equal(server, want) {
		t.Errorf("server: got %q, want %q", server, want)
	}
	if got, want := ServerProofLen, NonceSize+BoxOverhead+len(server); got != want {
		t.Errorf("ServerProofLen: got %d, want %d", got, want)
	}
	client := ClientProofPlaintext(ch, "@alice")
	if want := append(append([]byte("nport client proof v1"), ch[:]...), "@alice"...); !bytes.Equal(client, want) {
		t.Errorf("client: got %q, want %q", client, want)
	}
	if got, want := ClientProofLen(len("@alice")), NonceSize+BoxOverhead+len(client); got != want {
		t.Errorf("ClientProofLen: got %d, want %d", got, want)
	}

	other := key(0xb0)
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"server proof", CheckServerProof(server, ch), true},
		{"server proof, other challenge", CheckServerProof(server, other), false},
		{"client proof as server proof", CheckServerProof(client, ch), false},
		{"client proof", CheckClientProof(client, ch, "@alice"), true},
		{"client proof, other name", CheckClientProof(client, ch, "@alicf"), false},
		{"client proof, other challenge", CheckClientProof(client, other, "@alice"), false},
		{"server proof as client proof", CheckClientProof(server, ch, ""), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}
