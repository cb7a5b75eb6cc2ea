package pairing

import (
	"bytes"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// shortHandshake is the hello deadline of these tests.
const shortHandshake = 300 * time.Millisecond

// TestHostileSockets turns away wrong, reused and missing hellos and
// garbage, all at once, while a real session keeps flowing.
func TestHostileSockets(t *testing.T) {
	f := startServer(t, Config{HandshakeTimeout: shortHandshake})
	id, g := f.open("@alice")
	client, daemon := f.join(t, id, g.Client), f.join(t, id, g.Daemon)
	readPaired(t, client)
	readPaired(t, daemon)
	exchange(t, client, daemon, "before")

	// A second, pending session whose tokens the hostile sockets aim at.
	other, og := f.open("@bob")
	hello := helloFrame(other, session.NewToken())
	tests := []struct {
		name   string
		send   []byte
		shut   bool // half-close after sending
		want   wire.RefuseCode
		silent bool // the server closes without a word
	}{
		{name: "wrong token", send: hello, want: wire.RefuseBadToken},
		{name: "token of another session", send: helloFrame(session.NewID(), og.Client), want: wire.RefuseBadToken},
		{name: "reused client token", send: helloFrame(id, g.Client), want: wire.RefuseBadToken},
		{name: "reused daemon token", send: helloFrame(id, g.Daemon), want: wire.RefuseBadToken},
		{name: "silence", want: wire.RefuseTimeout},
		{name: "half a hello then silence", send: hello[:20], want: wire.RefuseTimeout},
		{name: "half a hello then EOF", send: hello[:20], shut: true, want: wire.RefuseMalformed},
		{name: "http", send: []byte("GET / HTTP/1.1\r\nHost: rendezvous\r\n\r\n"), want: wire.RefuseMalformed},
		{name: "oversized frame", send: wire.AppendFrame(nil, wire.FrameRendezvousHello, make([]byte, 1<<16)), want: wire.RefuseMalformed},
		{name: "long hello", send: wire.AppendFrame(nil, wire.FrameRendezvousHello, append(hello[wire.FrameHeaderLen:], 0)), want: wire.RefuseMalformed},
		{name: "wrong frame type", send: wire.AppendFrame(nil, wire.FramePing, make([]byte, 8)), want: wire.RefuseMalformed},
		{name: "relay hello", send: relayHello(t), want: wire.RefuseMalformed},
		{name: "bad magic", send: edit(hello, wire.FrameHeaderLen, 'X'), want: wire.RefuseMalformed},
		{name: "newer version", send: edit(hello, wire.FrameHeaderLen+4, wire.ProtocolVersion+1), want: wire.RefuseVersion},
		{name: "empty", shut: true, silent: true},
	}
	t.Run("group", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				c := f.dial(t)
				if _, err := c.Write(tt.send); err != nil {
					t.Fatal(err)
				}
				if tt.shut {
					c.CloseWrite()
				}
				start := time.Now()
				r, ok := readRefusal(t, c)
				if ok == tt.silent {
					t.Fatalf("got refusal %v (%v), want one: %v", r, ok, !tt.silent)
				}
				if ok && r.Code != tt.want {
					t.Errorf("got %v, want code %v", r, tt.want)
				}
				if took := time.Since(start); took > shortHandshake+2*time.Second {
					t.Errorf("closed after %v, want within the handshake deadline %v", took, shortHandshake)
				}
			})
		}
	})
	exchange(t, client, daemon, "after, client to daemon")
	exchange(t, daemon, client, "after, daemon to client")
	if got := f.srv.state(other); got != statePending {
		t.Errorf("got the other session in state %v, want still pending", got)
	}
	// The other session's tokens survived every wrong guess.
	c, d := f.join(t, other, og.Client), f.join(t, other, og.Daemon)
	readPaired(t, c)
	readPaired(t, d)
	exchange(t, c, d, "the other session works")
}

// TestTokenWorksOnce presents the waiting party's token again: the copy
// is refused and the real pair still forms.
func TestTokenWorksOnce(t *testing.T) {
	f := startServer(t, Config{})
	id, g := f.open("@alice")
	client := f.join(t, id, g.Client)
	eventually(t, "waiting party", func() bool { return f.srv.state(id) == stateWaiting })
	thief := f.join(t, id, g.Client)
	if r, _ := readRefusal(t, thief); r.Code != wire.RefuseBadToken {
		t.Errorf("got %v, want bad-token", r)
	}
	daemon := f.join(t, id, g.Daemon)
	readPaired(t, client)
	readPaired(t, daemon)
	exchange(t, daemon, client, "still paired")
}

// relayHello is the first frame a relay client sends.
func relayHello(t testing.TB) []byte {
	b, err := wire.AppendPayload(nil, wire.ClientHello{Name: "@alice"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit returns a copy of b with the byte at i set to v.
func edit(b []byte, i int, v byte) []byte {
	out := bytes.Clone(b)
	out[i] = v
	return out
}

// TestSilentSocketClosedInTime checks that a silent socket is closed at
// the handshake deadline: not before, and not much after.
func TestSilentSocketClosedInTime(t *testing.T) {
	f := startServer(t, Config{HandshakeTimeout: shortHandshake})
	f.open("@alice")
	c := f.dial(t)
	start := time.Now()
	r, ok := readRefusal(t, c)
	took := time.Since(start)
	if !ok || r.Code != wire.RefuseTimeout {
		t.Fatalf("got %v, %v, want a timeout refusal", r, ok)
	}
	if took < shortHandshake-50*time.Millisecond || took > shortHandshake+2*time.Second {
		t.Errorf("closed after %v, want about %v", took, shortHandshake)
	}
}
