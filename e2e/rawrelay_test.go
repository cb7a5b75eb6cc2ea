//go:build linux

package e2e

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// rawRelay is a bare relay connection, below core/relayclient: it sends
// exactly the envelopes a test builds, replays and forgeries included,
// and hands back what arrives without any check of its own.
type rawRelay struct {
	id   identity.Identity
	conn *relayconn.Conn
	in   chan wire.Recv
}

// dialRelay connects to the world's relay as who, with who's key.
func (w *world) dialRelay(t *testing.T, who string) *rawRelay {
	t.Helper()
	relayKey, err := identity.ParsePublicKey(w.relayKey)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := net.Dial("tcp", w.relay)
	if err != nil {
		t.Fatalf("dial the relay: %v", err)
	}
	r := &rawRelay{id: w.identity(who), in: make(chan wire.Recv, 16)}
	ctx, cancel := context.WithTimeout(context.Background(), logTimeout)
	defer cancel()
	r.conn, err = relayconn.Handshake(ctx, nc, relayconn.ClientConfig{
		Identity: r.id,
		CheckRelayKey: func(k identity.PublicKey) error {
			if !k.Equal(relayKey) {
				return fmt.Errorf("relay key %s, want %s", k.Fingerprint(), relayKey.Fingerprint())
			}
			return nil
		},
	})
	if err != nil {
		t.Fatalf("relay handshake as %s: %v", who, err)
	}
	t.Cleanup(func() { r.conn.Close() })
	go r.read()
	return r
}

// read passes every envelope that arrives to r.in, until the connection ends.
func (r *rawRelay) read() {
	defer close(r.in)
	for {
		f, err := r.conn.Next()
		if err != nil {
			return
		}
		if recv, ok := f.(wire.Recv); ok {
			recv.Sealed = append([]byte(nil), recv.Sealed...) // it aliases the read buffer
			r.in <- recv
		}
	}
}

// seal makes an envelope of body for session sid from this identity to to.
func (r *rawRelay) seal(t *testing.T, to identity.PublicKey, sid session.ID, body wire.Body) []byte {
	t.Helper()
	m, err := seal.NewMessage(body.MessageType(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	return seal.Seal(r.id.Key, to, m)
}

// send hands an envelope to the relay for to.
func (r *rawRelay) send(t *testing.T, to string, sealed []byte) {
	t.Helper()
	if err := r.conn.Send(0, identity.Name(to), 0, identity.PublicKey{}, sealed); err != nil {
		t.Fatalf("send to %s: %v", to, err)
	}
}

// next returns the next message, opened, and who sent it; it fails the
// test if none arrives within timeout or one does not open.
func (r *rawRelay) next(t *testing.T, timeout time.Duration) (string, wire.Message) {
	t.Helper()
	select {
	case recv, ok := <-r.in:
		if !ok {
			t.Fatal("the relay connection ended")
		}
		m, err := seal.Open(r.id.Key, identity.PublicKeyFromRaw(recv.FromPub), recv.Sealed)
		if err != nil {
			t.Fatalf("a message from %s does not open: %v", recv.From, err)
		}
		return recv.From, m
	case <-time.After(timeout):
		t.Fatalf("no message within %v", timeout)
		return "", wire.Message{}
	}
}

// request sends body to to and returns the answer in the same session.
// Answers to other requests of the same identity are skipped: the relay
// delivers each to every connection of the identity.
func (r *rawRelay) request(t *testing.T, to string, toKey identity.PublicKey, body wire.Body) (session.ID, wire.Message) {
	t.Helper()
	sid := session.NewID()
	r.send(t, to, r.seal(t, toKey, sid, body))
	for {
		from, m := r.next(t, logTimeout)
		if m.Session != sid {
			continue
		}
		if from != to {
			t.Fatalf("got %s from %s in session %x, want the answer of %s", m.Type, from, m.Session, to)
		}
		return sid, m
	}
}

// grant asks the world's rendezvous for a session to the device.
func (w *world) grant(t *testing.T, r *rawRelay) (session.ID, wire.SessionGrant) {
	t.Helper()
	sid, m := r.request(t, rvName, w.rvKey, wire.SessionRequest{To: device, Device: "default"})
	var g wire.SessionGrant
	if err := wire.DecodeBody(m, &g); err != nil || m.Type != wire.MsgSessionGrant {
		t.Fatalf("got %s (%v) from the rendezvous, want a grant", m.Type, err)
	}
	return sid, g
}
