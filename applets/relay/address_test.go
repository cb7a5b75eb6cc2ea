package relay

import (
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

func TestAnswerReachesTheConnectionThatAsked(t *testing.T) {
	r := startRelay(t, nil)
	alice, dev := newID(t, "@alice"), newID(t, "@dev")
	a1, a2 := r.connect(t, alice), r.connect(t, alice)
	d := r.connect(t, dev)
	a2.c.Send(1, "@dev", 0, dev.Public(), sealed(1, 100))
	req := d.recv(t)
	if req.FromConn != wire.ConnID(a2.c.ID()) || req.From != "@alice" {
		t.Fatalf("the device got a request from conn %d of %s, want conn %d of @alice", req.FromConn, req.From, a2.c.ID())
	}
	d.c.Send(2, "@alice", req.FromConn, alice.Public(), sealed(2, 100))
	if got := d.status(t, 2); got != wire.SendDelivered {
		t.Fatalf("answer: got %v, want delivered", got)
	}
	if got := a2.recv(t); got.Sealed[0] != 2 || got.FromConn != d.c.ID() {
		t.Errorf("the asking connection got %d from conn %d, want the answer from %d", got.Sealed[0], got.FromConn, d.c.ID())
	}
	if !a1.quiet(100 * time.Millisecond) {
		t.Error("the other connection of @alice got the answer too; want only the one that asked")
	}
	// Once the asker is gone, an answer to it is not queued.
	a2.close()
	for {
		d.c.Send(3, "@alice", req.FromConn, alice.Public(), sealed(3, 100))
		if got := d.status(t, 3); got == wire.SendGone {
			break
		} else if got != wire.SendDelivered {
			t.Fatalf("answer to a closed connection: got %v, want gone", got)
		}
	}
}

func TestServiceNameGetsOneCopy(t *testing.T) {
	r := startRelay(t, nil)
	rv, alice := newID(t, "@rv"), newID(t, "@alice")
	rv1, rv2 := r.connectFlags(t, rv, wire.HelloService), r.connectFlags(t, rv, wire.HelloService)
	a := r.connect(t, alice)
	const n = 20
	for i := range n {
		a.c.Send(uint32(i+1), "@rv", 0, rv.Public(), sealed(byte(i), 100))
		if got := a.status(t, uint32(i+1)); got != wire.SendDelivered {
			t.Fatalf("request %d: got %v, want delivered", i, got)
		}
	}
	got1, got2 := drain(rv1), drain(rv2)
	for got1+got2 < n {
		select {
		case <-time.After(5 * time.Second):
			t.Fatalf("the two service connections got %d and %d, want %d in all", got1, got2, n)
		case <-rv1.frames:
			got1++
		case <-rv2.frames:
			got2++
		}
	}
	if got1 == 0 || got2 == 0 || !rv1.quiet(50*time.Millisecond) || !rv2.quiet(50*time.Millisecond) {
		t.Errorf("got %d and %d: want each request once, spread over both", got1, got2)
	}
}

// drain counts the frames waiting now.
func drain(cl *client) int {
	n := 0
	for {
		select {
		case <-cl.frames:
			n++
		default:
			return n
		}
	}
}

func TestStaleKeyIsTold(t *testing.T) {
	r := startRelay(t, nil)
	alice, dev, old := newID(t, "@alice"), newID(t, "@dev"), newID(t, "@dev")
	a, d := r.connect(t, alice), r.connect(t, dev)
	tests := []struct {
		name string
		key  identity.PublicKey
		want wire.SendResult
	}{
		{"the directory's key", dev.Public(), wire.SendDelivered},
		{"an old key", old.Public(), wire.SendKeyMismatch},
		{"no key given", identity.PublicKey{}, wire.SendDelivered},
	}
	for i, tt := range tests {
		a.c.Send(uint32(i+1), "@dev", 0, tt.key, sealed(byte(i), 100))
		if got := a.status(t, uint32(i+1)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := d.recv(t); got.Sealed[0] != 0 {
		t.Errorf("the device got envelope %d first, want 0", got.Sealed[0])
	}
	if got := d.recv(t); got.Sealed[0] != 2 {
		t.Errorf("the device got envelope %d, want 2: the mismatched one is not delivered", got.Sealed[0])
	}
}
