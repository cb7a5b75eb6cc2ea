package relayclient

import (
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// TestReceive checks what receive delivers, without a relay.
func TestReceive(t *testing.T) {
	alice, bob, eve := newID(t, "@alice"), newID(t, "@bob"), newID(t, "@eve")
	c, err := New(Config{Settings: Settings{Relay: "relay:7020"}, Identity: alice, Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	msg := func(age time.Duration) wire.Message {
		m := message(t, "x")
		m.Time = time.Now().Add(-age).UnixMilli()
		return m
	}
	fresh := seal.Seal(bob.Key, alice.Public(), msg(0))
	recv := func(from identity.Identity, sealed []byte) wire.Recv {
		return wire.Recv{FromConn: 1, From: string(from.Name), FromPub: from.Public().Raw(), Sealed: sealed}
	}
	tests := []struct {
		name string
		r    wire.Recv
		want bool
	}{
		{"fresh from bob", recv(bob, fresh), true},
		{"the same again", recv(bob, fresh), false},
		{"bob under another key", recv(identity.Identity{Name: "@bob", Key: eve.Key}, seal.Seal(eve.Key, alice.Public(), msg(0))), false},
		{"sealed by eve, claimed by bob", wire.Recv{From: "@bob", FromPub: bob.Public().Raw(), Sealed: seal.Seal(eve.Key, alice.Public(), msg(0))}, false},
		{"sealed for someone else", recv(bob, seal.Seal(bob.Key, eve.Public(), msg(0))), false},
		{"stale", recv(bob, seal.Seal(bob.Key, alice.Public(), msg(time.Hour))), false},
		{"alice's own box reflected", wire.Recv{From: "@bob", FromPub: bob.Public().Raw(), Sealed: seal.Seal(alice.Key, bob.Public(), msg(0))}, false},
		{"to herself", recv(alice, seal.Seal(alice.Key, alice.Public(), msg(0))), true},
		{"herself under another key", wire.Recv{From: "@alice", FromPub: eve.Public().Raw(), Sealed: seal.Seal(eve.Key, alice.Public(), msg(0))}, false},
		{"bad name", wire.Recv{From: "Bob", FromPub: bob.Public().Raw(), Sealed: fresh}, false},
		{"low-order key", wire.Recv{From: "@zero", Sealed: fresh}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.receive(tt.r)
			var got bool
			select {
			case in := <-c.inbox:
				got = true
				if string(in.From) != tt.r.From {
					t.Errorf("got it from %s, want %s", in.From, tt.r.From)
				}
			default:
			}
			if got != tt.want {
				t.Errorf("got delivered %v, want %v", got, tt.want)
			}
		})
	}
}
