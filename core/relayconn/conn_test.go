package relayconn

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

func sealed(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }

func TestExchangeBothWays(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	var claimed identity.Name
	srv := ServerConfig{Key: relay.Key, Welcome: welcome(time.Second), Claim: func(c Claim) error {
		claimed = c.Name
		return nil
	}}
	cli, rel := connect(t, srv, ClientConfig{Identity: alice, CheckRelayKey: trustAny})

	if claimed != "@alice" || rel.Name() != "@alice" || !rel.Peer().Equal(alice.Public()) {
		t.Errorf("relay side: claimed %q, name %q, peer %v; want @alice with her key", claimed, rel.Name(), rel.Peer())
	}
	if cli.Name() != "@alice" || !cli.Peer().Equal(relay.Public()) {
		t.Errorf("client side: name %q, peer %v; want @alice and the relay key", cli.Name(), cli.Peer())
	}
	if got, want := cli.Welcome().Keepalive(), time.Second; got != want {
		t.Errorf("keepalive: got %v, want %v", got, want)
	}

	bob := newID(t, "@bob")
	tests := []struct {
		name  string
		write func() error
		from  *Conn // the side that reads
		want  any
	}{
		{"send", func() error { return cli.Send(7, "@bob", 0, identity.PublicKey{}, sealed(100, 1)) }, rel,
			wire.Send{SendID: 7, To: "@bob", Sealed: sealed(100, 1)}},
		{"lookup", func() error { return cli.Lookup(8, "@bob") }, rel,
			wire.Lookup{ReqID: 8, Name: "@bob"}},
		{"recv", func() error { return rel.Recv(5, "@bob", bob.Public(), sealed(90, 2)) }, cli,
			wire.Recv{FromConn: 5, From: "@bob", FromPub: bob.Public().Raw(), Sealed: sealed(90, 2)}},
		{"lookup reply found", func() error { return rel.LookupReply(8, "@bob", bob.Public()) }, cli,
			wire.LookupReply{ReqID: 8, Status: wire.LookupFound, Pub: bob.Public().Raw(), Name: "@bob"}},
		{"lookup reply unknown", func() error { return rel.LookupReply(9, "@nobody", identity.PublicKey{}) }, cli,
			wire.LookupReply{ReqID: 9, Status: wire.LookupUnknown, Name: "@nobody"}},
		{"send status", func() error { return rel.SendStatus(7, wire.SendQueued) }, cli,
			wire.SendStatus{SendID: 7, Status: wire.SendQueued}},
		{"encoded recv", func() error {
			f, err := EncodeRecv(5, "@bob", bob.Public(), sealed(200, 3))
			if err != nil {
				return err
			}
			return rel.WriteEncoded(f, f)
		}, cli, wire.Recv{FromConn: 5, From: "@bob", FromPub: bob.Public().Raw(), Sealed: sealed(200, 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.write(); err != nil {
				t.Fatalf("write: %v", err)
			}
			got, err := next(t, tt.from)
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if !equalFrame(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	// The second copy of the encoded frame.
	if got, err := next(t, cli); err != nil || !equalFrame(got, wire.Recv{FromConn: 5, From: "@bob", FromPub: bob.Public().Raw(), Sealed: sealed(200, 3)}) {
		t.Errorf("second encoded frame: got %+v, %v", got, err)
	}
}

// equalFrame compares decoded frames, byte slices by content.
func equalFrame(got, want any) bool {
	switch w := want.(type) {
	case wire.Send:
		g, ok := got.(wire.Send)
		return ok && g.SendID == w.SendID && g.To == w.To && bytes.Equal(g.Sealed, w.Sealed)
	case wire.Recv:
		g, ok := got.(wire.Recv)
		return ok && g.From == w.From && g.FromPub == w.FromPub && bytes.Equal(g.Sealed, w.Sealed)
	}
	return got == want
}

func TestPingAnsweredAndUnknownSkipped(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	cli, rel, _, sn := connectRaw(t, ServerConfig{Key: relay.Key, Welcome: welcome(time.Minute)}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	// Write raw frames from the relay side: a Ping, an unknown type, then
	// a SendStatus that Next must return.
	raw := frames(t, wire.Ping{Data: [8]byte{1, 2, 3}})
	raw = wire.AppendFrame(raw, wire.FrameType(0x7e), []byte("from a newer relay"))
	raw = append(raw, frames(t, wire.SendStatus{SendID: 1, Status: wire.SendDelivered})...)
	if _, err := sn.Write(raw); err != nil {
		t.Fatal(err)
	}
	got, err := next(t, cli)
	if want := (wire.SendStatus{SendID: 1, Status: wire.SendDelivered}); err != nil || got != want {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	// The relay side reads the Pong the client wrote back, and skips it:
	// follow it with a Lookup to have something to return.
	if err := cli.Lookup(5, "@x"); err != nil {
		t.Fatal(err)
	}
	got, err = next(t, rel)
	if want := (wire.Lookup{ReqID: 5, Name: "@x"}); err != nil || got != want {
		t.Fatalf("relay side: got %+v, %v; want %+v", got, err, want)
	}
}

func TestSilentPeerIsCutOff(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	cn, sn := tcpPair(t)
	mute := &muteConn{Conn: cn}
	keepalive := 100 * time.Millisecond
	ch := acceptAsync(t.Context(), sn, ServerConfig{Key: relay.Key, Welcome: welcome(keepalive)})
	cli, err := Handshake(t.Context(), mute, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.c.Close()
	mute.muted.Store(true) // the client's pings and pongs vanish from now on
	start := time.Now()
	_, err = next(t, r.c)
	if !errors.Is(err, ErrSilent) {
		t.Fatalf("got %v, want ErrSilent", err)
	}
	if took, want := time.Since(start), SilenceIntervals*keepalive; took < want-20*time.Millisecond {
		t.Errorf("cut off after %v, want about %v", took, want)
	}
	select {
	case <-r.c.Done():
	default:
		t.Error("Done not closed after the error")
	}
}

func TestKeepaliveKeepsIdleLinkUp(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	// Long enough that a loaded test machine does not miss three in a row.
	keepalive := 200 * time.Millisecond
	cli, rel := connect(t, ServerConfig{Key: relay.Key, Welcome: welcome(keepalive)}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	clientErr := make(chan error, 1)
	go func() {
		_, err := cli.Next()
		clientErr <- err
	}()
	// Nothing but keepalives for several silence periods; then a real frame.
	timer := time.NewTimer(4 * SilenceIntervals * keepalive)
	select {
	case err := <-clientErr:
		t.Fatalf("client Next failed on an idle but live link: %v", err)
	case <-timer.C:
	}
	if err := rel.SendStatus(3, wire.SendDelivered); err != nil {
		t.Fatalf("relay write on an idle link: %v", err)
	}
	if err := <-clientErr; err != nil {
		t.Errorf("got %v, want the SendStatus", err)
	}
}

func TestProtocolViolationsAfterHandshake(t *testing.T) {
	alice := newID(t, "@alice")
	tests := []struct {
		name    string
		toRelay bool // write to the relay side, else to the client
		raw     func(t *testing.T) []byte
		want    error
	}{
		{"recv sent to the relay", true, func(t *testing.T) []byte {
			return frames(t, wire.Recv{FromConn: 5, From: "@a", Sealed: sealed(wire.MinSealedLen, 1)})
		}, wire.ErrMalformed},
		{"send sent to a client", false, func(t *testing.T) []byte {
			return frames(t, wire.Send{To: "@a", Sealed: sealed(wire.MinSealedLen, 1)})
		}, wire.ErrMalformed},
		{"handshake frame again", true, func(t *testing.T) []byte {
			return frames(t, wire.ClientHello{Name: "@a"})
		}, wire.ErrMalformed},
		{"broken ping", false, func(t *testing.T) []byte {
			return wire.AppendFrame(nil, wire.FramePing, []byte{1})
		}, wire.ErrMalformed},
		{"oversized frame", true, func(t *testing.T) []byte {
			return []byte{byte(wire.FrameSend), 0x00, 0x10, 0x00, 0x01}
		}, wire.ErrFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			relay := newID(t, "@relay")
			cli, rel, cn, sn := connectRaw(t, ServerConfig{Key: relay.Key, Welcome: welcome(time.Minute)}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
			reader, raw := cli, sn
			if tt.toRelay {
				reader, raw = rel, cn
			}
			if _, err := raw.Write(tt.raw(t)); err != nil {
				t.Fatal(err)
			}
			_, err := next(t, reader)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if ref, ok := readRefusal(t, raw); !ok || ref.Code != wire.RefuseMalformed {
				t.Errorf("peer got refusal %+v (%v), want code malformed", ref, ok)
			}
		})
	}
}

func TestRefuseEndsPeer(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	cli, rel := connect(t, ServerConfig{Key: relay.Key, Welcome: welcome(time.Minute)}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	if err := rel.Refuse(wire.Refusal{Code: wire.RefuseRate, Message: "slow down"}); err != nil {
		t.Fatal(err)
	}
	_, err := next(t, cli)
	ref, ok := errors.AsType[wire.Refusal](err)
	if !ok || ref.Code != wire.RefuseRate || ref.Message != "slow down" {
		t.Errorf("got %v, want the relay's refusal", err)
	}
	if err := cli.Send(1, "@x", 0, identity.PublicKey{}, sealed(wire.MinSealedLen, 0)); !errors.Is(err, ErrClosed) {
		t.Errorf("send after refusal: got %v, want ErrClosed", err)
	}
}

func TestSendLargerThanRelayAccepts(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	w := welcome(time.Minute)
	w.MaxFrame = wire.MinFrameLimit
	cli, rel := connect(t, ServerConfig{Key: relay.Key, Welcome: w}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	if err := cli.Send(1, "@bob", 0, identity.PublicKey{}, sealed(2000, 0)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if err := cli.Send(2, "@bob", 0, identity.PublicKey{}, sealed(500, 0)); err != nil {
		t.Fatalf("smaller send after a refused one: %v", err)
	}
	if got, err := next(t, rel); err != nil || got.(wire.Send).SendID != 2 {
		t.Errorf("got %+v, %v; want send 2", got, err)
	}
}

func TestWritesAllocateNothing(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	cli, _ := connect(t, ServerConfig{Key: relay.Key, Welcome: welcome(time.Minute)}, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	// Nothing reads while allocations are counted, as AllocsPerRun counts
	// every goroutine's: the 51 frames fit in the sockets' buffers.
	payload := sealed(300, 9)
	cli.Send(1, "@bob", 0, identity.PublicKey{}, payload) // grow the buffer once
	if n := testing.AllocsPerRun(50, func() { cli.Send(1, "@bob", 0, identity.PublicKey{}, payload) }); n != 0 {
		t.Errorf("Send: got %v allocations, want 0", n)
	}
}
