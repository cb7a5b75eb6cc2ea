package relay

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// bind claims names in the relay's database before it starts, as if
// they had connected before.
func bind(t testing.TB, ids ...identity.Identity) func(*Config) {
	return func(c *Config) {
		st, err := store.Open(store.FileName(c.Home), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for _, id := range ids {
			if err := st.Claim(id.Name, id.Public()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestExchangeBothWays(t *testing.T) {
	r := startRelay(t, nil)
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	a, b := r.connect(t, alice), r.connect(t, bob)
	tests := []struct {
		name     string
		from, to *client
		fromID   identity.Identity
		toName   identity.Name
	}{
		{"alice to bob", a, b, alice, "@bob"},
		{"bob to alice", b, a, bob, "@alice"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := sealed(byte(i), 300)
			if err := tt.from.c.Send(uint32(i+1), tt.toName, 0, identity.PublicKey{}, env); err != nil {
				t.Fatal(err)
			}
			if got := tt.from.status(t, uint32(i+1)); got != wire.SendDelivered {
				t.Errorf("status: got %v, want delivered", got)
			}
			got := tt.to.recv(t)
			if got.From != string(tt.fromID.Name) || got.FromPub != tt.fromID.Public().Raw() || !bytes.Equal(got.Sealed, env) {
				t.Errorf("got from %s key %x, %d bytes; want from %s with its key, the envelope", got.From, got.FromPub[:4], len(got.Sealed), tt.fromID.Name)
			}
		})
	}
}

func TestEveryLiveConnectionGetsIt(t *testing.T) {
	r := startRelay(t, nil)
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	a := r.connect(t, alice)
	b1, b2 := r.connect(t, bob), r.connect(t, bob)
	if err := a.c.Send(1, "@bob", 0, identity.PublicKey{}, sealed(1, 200)); err != nil {
		t.Fatal(err)
	}
	for i, b := range []*client{b1, b2} {
		if got := b.recv(t); !bytes.Equal(got.Sealed, sealed(1, 200)) {
			t.Errorf("connection %d: got %d bytes, want the envelope", i, len(got.Sealed))
		}
	}
}

func TestOfflineQueue(t *testing.T) {
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	tests := []struct {
		name     string
		queueLen int
		sends    int
		wait     time.Duration
		want     []byte // tags of the envelopes bob gets
	}{
		{"delivered on connect", 4, 2, 30 * time.Second, []byte{0, 1}},
		{"past ttl not delivered", 4, 2, 61 * time.Second, nil},
		{"bound drops oldest", 2, 4, 0, []byte{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := fakeclock.New()
			r := startRelay(t, func(c *Config) {
				c.QueueLength, c.Now = tt.queueLen, clk.Now
				bind(t, bob)(c)
			})
			a := r.connect(t, alice)
			for i := range tt.sends {
				if err := a.c.Send(uint32(i+1), "@bob", 0, identity.PublicKey{}, sealed(byte(i), 100)); err != nil {
					t.Fatal(err)
				}
				if got := a.status(t, uint32(i+1)); got != wire.SendQueued {
					t.Errorf("send %d: got %v, want queued", i, got)
				}
			}
			clk.Advance(tt.wait)
			b := r.connect(t, bob)
			for _, tag := range tt.want {
				if got := b.recv(t); !bytes.Equal(got.Sealed, sealed(tag, 100)) || got.From != "@alice" {
					t.Errorf("got envelope %x from %s, want %d from @alice", got.Sealed[:1], got.From, tag)
				}
			}
			// A marker sent now comes next: nothing else was queued.
			a.c.Send(0, "@bob", 0, identity.PublicKey{}, sealed(0xee, 100))
			if got := b.recv(t); got.Sealed[0] != 0xee {
				t.Errorf("got envelope %x, want only the marker after the queue", got.Sealed[:1])
			}
		})
	}
}

func TestUnknownNamesAndLookup(t *testing.T) {
	r := startRelay(t, nil)
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	a := r.connect(t, alice)
	r.connect(t, bob)
	a.c.Send(1, "@nobody", 0, identity.PublicKey{}, sealed(1, 100))
	if got := a.status(t, 1); got != wire.SendUnknownRecipient {
		t.Errorf("send to an unclaimed name: got %v, want unknown-recipient", got)
	}
	tests := []struct {
		name string
		want wire.LookupReply
	}{
		{"@bob", wire.LookupReply{ReqID: 1, Status: wire.LookupFound, Pub: bob.Public().Raw(), Name: "@bob"}},
		{"@nobody", wire.LookupReply{ReqID: 2, Status: wire.LookupUnknown, Name: "@nobody"}},
		{"@Not-Valid", wire.LookupReply{ReqID: 3, Status: wire.LookupUnknown, Name: "@Not-Valid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.c.Lookup(tt.want.ReqID, identity.Name(tt.name)); err != nil {
				t.Fatal(err)
			}
			if got := a.next(t); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNameTakenUntilRemoved(t *testing.T) {
	r := startRelay(t, nil)
	alice, mallory := newID(t, "@alice"), newID(t, "@alice")
	r.connect(t, alice).close()
	_, err := r.dial(t, mallory)
	if ref, ok := errors.AsType[wire.Refusal](err); !ok || ref.Code != wire.RefuseNameTaken {
		t.Fatalf("claim with another key: got %v, want a name-taken refusal", err)
	}
	var out bytes.Buffer
	if err := RunDirectory(DirectoryConfig{Home: r.home, Op: OpRemove, Name: "@alice", Out: &out}); err != nil {
		t.Fatal(err)
	}
	c, err := r.dial(t, mallory)
	if err != nil {
		t.Fatalf("claim after removal: %v", err)
	}
	c.Close()
	if _, err := r.dial(t, alice); err == nil {
		t.Error("the old key was accepted after the name moved to another")
	}
}

func TestRelayKeyChanged(t *testing.T) {
	r := startRelay(t, nil)
	known, err := identity.OpenKnown(identity.KnownFile(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	subject := identity.RelaySubject(r.addr)
	if err := known.Pin(subject, newID(t, "@old").Public()); err != nil {
		t.Fatal(err)
	}
	nc := dialTCP(t, r.addr)
	_, err = relayconnHandshake(nc, newID(t, "@alice"), func(k identity.PublicKey) error { return known.Check(subject, k) })
	kc, ok := errors.AsType[*identity.KeyChangedError](err)
	if !ok || !kc.Got.Equal(r.key) {
		t.Fatalf("got %v, want a KeyChangedError naming the relay's key", err)
	}
}

func TestRateLimit(t *testing.T) {
	clk := fakeclock.New()
	r := startRelay(t, func(c *Config) { c.Rate, c.Burst, c.Now = 1, 2, clk.Now })
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	a, b := r.connect(t, alice), r.connect(t, bob)
	want := []wire.SendResult{wire.SendDelivered, wire.SendDelivered, wire.SendOverRate}
	for i, w := range want {
		a.c.Send(uint32(i+1), "@bob", 0, identity.PublicKey{}, sealed(byte(i), 100))
		if got := a.status(t, uint32(i+1)); got != w {
			t.Errorf("send %d: got %v, want %v", i, got, w)
		}
	}
	clk.Advance(time.Second)
	a.c.Send(9, "@bob", 0, identity.PublicKey{}, sealed(9, 100))
	if got := a.status(t, 9); got != wire.SendDelivered {
		t.Errorf("after a second: got %v, want delivered", got)
	}
	for _, tag := range []byte{0, 1, 9} {
		if got := b.recv(t); got.Sealed[0] != tag {
			t.Errorf("bob got %d, want %d", got.Sealed[0], tag)
		}
	}
}

func TestConnectionLimit(t *testing.T) {
	r := startRelay(t, func(c *Config) { c.MaxConnections = 2 })
	r.connect(t, newID(t, "@a"))
	r.connect(t, newID(t, "@b"))
	_, err := r.dial(t, newID(t, "@c"))
	if ref, ok := errors.AsType[wire.Refusal](err); !ok || ref.Code != wire.RefuseLimit {
		t.Errorf("third connection: got %v, want a limit refusal", err)
	}
}

func TestSlowReaderIsNotCutAndOthersGetThrough(t *testing.T) {
	r := startRelay(t, func(c *Config) { c.Rate, c.QueueLength, c.SendQueue, c.SendQueueBytes = 0, 0, 16, 1<<20 })
	a, carol := r.connect(t, newID(t, "@alice")), r.connect(t, newID(t, "@carol"))
	slow, err := r.dial(t, newID(t, "@bob")) // reads nothing for now: its socket buffers fill, then its queue
	if err != nil {
		t.Fatal(err)
	}
	big := sealed(7, wire.MaxSealedLen)
	dropped := uint32(0)
	for i := uint32(1); i <= 2000 && dropped == 0; i++ {
		if err := a.c.Send(i, "@bob", 0, identity.PublicKey{}, big); err != nil {
			t.Fatal(err)
		}
		if got := a.status(t, i); got == wire.SendDropped {
			dropped = i
		} else if got != wire.SendDelivered {
			t.Fatalf("envelope %d: got %v, want delivered or dropped", i, got)
		}
	}
	if dropped == 0 {
		t.Fatal("2000 envelopes of 64 KiB delivered to a client that reads nothing")
	}
	// Another sender still gets in, and the slow client was never cut:
	// once it reads, it gets carol's envelope too.
	carol.c.Send(1, "@bob", 0, identity.PublicKey{}, sealed(0xca, 100))
	if got := carol.status(t, 1); got != wire.SendDelivered {
		t.Fatalf("carol's envelope to the busy client: got %v, want delivered", got)
	}
	bob := newClient(slow)
	defer bob.close()
	for {
		if got := bob.recv(t); got.From == "@carol" {
			break
		}
	}
}
