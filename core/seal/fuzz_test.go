package seal

import (
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Fixed keys, so that the envelopes in testdata/fuzz/FuzzOpen open.
const (
	fuzzAlice = "nport-priv:1NJXzk0alFxPCNbcF05FOnQM-ZFt-aUS27lfapkj4rE"
	fuzzBob   = "nport-priv:b0rPaC3Oid3IUZEY5tHBoRrABVr-n57v6bDFOi1O1Lc"
)

func fuzzKeys(t testing.TB) (alice, bob identity.PrivateKey) {
	t.Helper()
	alice, err := identity.ParsePrivateKey(fuzzAlice)
	if err != nil {
		t.Fatal(err)
	}
	bob, err = identity.ParsePrivateKey(fuzzBob)
	if err != nil {
		t.Fatal(err)
	}
	return alice, bob
}

func FuzzOpen(f *testing.F) {
	alice, bob := fuzzKeys(f)
	m := wire.Message{Type: wire.MsgPing, ID: [16]byte{1}, Time: 1_700_000_000_000, Body: []byte(`{}`)}
	f.Add(Seal(alice, bob.Public(), m))
	f.Add([]byte{Version})
	f.Add(make([]byte, Overhead+wire.MessageHeaderLen))
	bobs := NewSealer(bob.Shared(alice.Public()))
	f.Fuzz(func(t *testing.T, env []byte) {
		got, err := Open(bob, alice.Public(), env)
		got2, err2 := bobs.Open(env)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("got Open %v and Sealer.Open %v, want the same answer", err, err2)
		}
		if err != nil {
			return
		}
		// Only a real envelope opens; it must carry what was sealed.
		if !equalMessage(got, got2) || len(env) != Overhead+wire.MessageHeaderLen+len(got.Body) {
			t.Fatalf("got %+v from %d bytes", got, len(env))
		}
	})
}
