package relayclient

import (
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/identity/identitytest"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// fixedID is an identity with a fixed key, so recorded exchanges (the
// fuzz seeds) stay valid.
var fixedID = identitytest.Fixed

// FuzzReceive feeds arbitrary Recv frames to a client: it must never
// panic, and deliver only what the claimed sender's key sealed for it,
// once. A message dated in the far future is a fine seed: its time is
// checked against the window, not compared to the seed's birth.
func FuzzReceive(f *testing.F) {
	alice, bob := fixedID(f, "@alice", 1), fixedID(f, "@bob", 2)
	m := wire.Message{Type: wire.MsgPing, ID: [16]byte{1}, Time: time.Now().UnixMilli(), Body: []byte("{}")}
	good := seal.Seal(bob.Key, alice.Public(), m)
	bobPub := bob.Public().Raw()
	f.Add("@bob", bobPub[:], good)
	f.Add("@carol", bobPub[:], good)
	f.Add("@bob", make([]byte, 32), good)
	f.Add("@bob", bobPub[:], good[:len(good)-1])
	f.Add("bob", bobPub[:], []byte{1})
	f.Fuzz(func(t *testing.T, from string, pub, sealed []byte) {
		if len(pub) != 32 {
			return
		}
		c, err := New(Config{Settings: Settings{Relay: "relay:7020"}, Identity: alice, Home: t.TempDir(), ReplayWindow: 100 * 365 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		r := wire.Recv{FromConn: 1, From: from, FromPub: [32]byte(pub), Sealed: sealed}
		c.receive(r)
		c.receive(r) // a replay: never delivered twice
		if len(c.inbox) > 1 {
			t.Fatalf("got %d messages delivered, want at most one", len(c.inbox))
		}
		if len(c.inbox) == 0 {
			return
		}
		in := <-c.inbox
		if string(in.From) != from {
			t.Fatalf("got a message from %s, want %s", in.From, from)
		}
		if _, err := seal.Open(alice.Key, identity.PublicKeyFromRaw(r.FromPub), sealed); err != nil {
			t.Fatalf("delivered a message that does not open: %v", err)
		}
	})
}
