package wire

import (
	"bytes"
	"testing"
)

func TestProofPlaintexts(t *testing.T) {
	ch := key(0xa0)
	server := ServerProofPlaintext(ch)
	if want := append([]byte("nport relay proof v2"), ch[:]...); !bytes.Equal(server, want) {
		t.Errorf("server: got %q, want %q", server, want)
	}
	if got, want := ServerProofLen, NonceSize+BoxOverhead+len(server); got != want {
		t.Errorf("ServerProofLen: got %d, want %d", got, want)
	}
	client := ClientProofPlaintext(ch, "@alice", nil)
	if want := append(append([]byte("nport client proof v2"), ch[:]...), "@alice"...); !bytes.Equal(client, want) {
		t.Errorf("client: got %q, want %q", client, want)
	}
	if got, want := ClientProofLen(len("@alice"), 0), NonceSize+BoxOverhead+len(client); got != want {
		t.Errorf("ClientProofLen: got %d, want %d", got, want)
	}
	tok := fill(9, ClaimTokenLen)
	invited := ClientProofPlaintext(ch, "@alice", tok)
	if got, want := ClientProofLen(len("@alice"), ClaimTokenLen), NonceSize+BoxOverhead+len(invited); got != want {
		t.Errorf("ClientProofLen with a token: got %d, want %d", got, want)
	}

	other := key(0xb0)
	checks := []struct {
		name      string
		plain     []byte
		challenge [ChallengeLen]byte
		who       string
		want      bool
		wantToken []byte
	}{
		{"client proof", client, ch, "@alice", true, nil},
		{"client proof with a token", invited, ch, "@alice", true, tok},
		{"client proof, short token", invited[:len(invited)-1], ch, "@alice", false, nil},
		{"client proof, other name", client, ch, "@alicf", false, nil},
		{"client proof, other challenge", client, other, "@alice", false, nil},
		{"server proof as client proof", server, ch, "", false, nil},
	}
	for _, c := range checks {
		gotToken, got := CheckClientProof(c.plain, c.challenge, c.who)
		if got != c.want || !bytes.Equal(gotToken, c.wantToken) {
			t.Errorf("%s: got %v %x, want %v %x", c.name, got, gotToken, c.want, c.wantToken)
		}
	}
	if !CheckServerProof(server, ch) || CheckServerProof(server, other) || CheckServerProof(client, ch) {
		t.Error("CheckServerProof: want true for the server proof only, over its own challenge")
	}
}

func TestClaimTokenText(t *testing.T) {
	tok := [ClaimTokenLen]byte{1, 2, 3, 31: 0xff}
	text := FormatClaimToken(tok)
	got, err := ParseClaimToken(text)
	if err != nil || got != tok {
		t.Fatalf("round trip of %q: got %x, %v", text, got, err)
	}
	for _, bad := range []string{"", text[len(ClaimTokenPrefix):], "nport-pub:" + text[len(ClaimTokenPrefix):], text + "A", text[:len(text)-1]} {
		if _, err := ParseClaimToken(bad); err == nil {
			t.Errorf("%q: got nil error, want a refusal", bad)
		}
	}
}
