//go:build linux

package e2e

import (
	"regexp"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// tunnelRequest is the request a client would send for grant g.
func tunnelRequest(t *testing.T, g wire.SessionGrant) wire.TunnelRequest {
	t.Helper()
	eph, err := identity.GenerateEphemeral()
	if err != nil {
		t.Fatal(err)
	}
	return wire.TunnelRequest{Device: "default", Rendezvous: g.Address, Token: g.DaemonToken, Ephemeral: wire.Encode32(eph.Public().Raw())}
}

// expectTunnelReply fails the test unless the next message is the
// device's reply for session sid.
func expectTunnelReply(t *testing.T, r *rawRelay, sid session.ID) {
	t.Helper()
	from, m := r.next(t, logTimeout)
	if from != device || m.Type != wire.MsgTunnelReply || m.Session != sid {
		t.Fatalf("got %s from %s in session %x, want the device's tunnel reply in %x", m.Type, from, m.Session, sid)
	}
}

// TestForgedRequestIsDropped sends the daemon, over @alice's own relay
// connection, a real tunnel request in envelopes that @alice's key did not
// seal for the device: the daemon drops each. The same message sealed
// properly afterwards is answered, so the forgery neither reached the
// daemon's logic nor used up the message's id.
func TestForgedRequestIsDropped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		forge func(t *testing.T, w *world, r *rawRelay, m wire.Message) []byte
	}{
		{"sealed with another key", func(t *testing.T, w *world, _ *rawRelay, m wire.Message) []byte {
			k, err := identity.GenerateKey()
			if err != nil {
				t.Fatal(err)
			}
			return seal.Seal(k, w.daemonKey(), m)
		}},
		{"sealed for another recipient", func(_ *testing.T, w *world, r *rawRelay, m wire.Message) []byte {
			return seal.Seal(r.id.Key, w.rvKey, m)
		}},
		{"changed in transit", func(_ *testing.T, w *world, r *rawRelay, m wire.Message) []byte {
			sealed := seal.Seal(r.id.Key, w.daemonKey(), m)
			sealed[len(sealed)-1] ^= 0x01
			return sealed
		}},
	}
	dropped := regexp.MustCompile(`"msg":"dropped a message that does not open".*"from":"@alice"`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A world each: the daemon's log then holds one drop to wait for.
			w := newWorld(t, options{})
			r := w.dialRelay(t, alice)
			sid, g := w.grant(t, r)
			m, err := seal.NewMessage(wire.MsgTunnelRequest, sid, tunnelRequest(t, g))
			if err != nil {
				t.Fatal(err)
			}
			r.send(t, device, tt.forge(t, w, r, m))
			w.daemon.WaitFor(dropped, logTimeout)
			r.send(t, device, seal.Seal(r.id.Key, w.daemonKey(), m))
			expectTunnelReply(t, r, sid)
		})
	}
}

// TestReplayedRequestIsDropped sends the very bytes of a real tunnel
// request twice: the first is answered, the second is dropped as a replay
// and gets nothing, while a fresh message after it is answered.
func TestReplayedRequestIsDropped(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	r := w.dialRelay(t, alice)
	sid, g := w.grant(t, r)
	sealed := r.seal(t, w.daemonKey(), sid, tunnelRequest(t, g))

	r.send(t, device, sealed)
	expectTunnelReply(t, r, sid)

	r.send(t, device, sealed)
	w.daemon.WaitFor(regexp.MustCompile(`"msg":"dropped a message".*"from":"@alice".*replay`), logTimeout)
	// The daemon reads its messages in order: the answer to a ping sent
	// after the replay is the next message, with nothing for sid before it.
	r.request(t, device, w.daemonKey(), wire.PingBody{Device: "default"})
	if n := len(r.in); n != 0 {
		t.Errorf("got %d more messages after the pong, want none", n)
	}
}
