package pairing

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// FuzzHello feeds arbitrary first bytes to a socket of a server that holds
// one open session: the socket must be refused or closed, never paired,
// and the session and its tokens must be untouched.
func FuzzHello(f *testing.F) {
	id := session.ID{0x0b, 0x9f, 0x2c, 0x1e, 0x5d, 0x3a, 0x4e, 0x7b, 0x9c, 0x21, 0x6f, 0x0a, 0x8d, 0x4e, 0x3b, 0x12}
	wrong := session.TokenFromRaw([32]byte{1, 2, 3})
	hello := helloFrame(id, wrong)
	for _, seed := range [][]byte{
		hello,
		helloFrame(session.ID{}, session.Token{}),
		hello[:20],
		append(bytes.Clone(hello), 0),
		[]byte("GET / HTTP/1.1\r\n\r\n"),
		wire.AppendFrame(nil, wire.FrameRendezvousHello, make([]byte, 1<<16)),
		wire.AppendFrame(nil, wire.FramePing, make([]byte, 8)),
		edit(hello, wire.FrameHeaderLen+4, 2),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		srv := New(Config{})
		defer srv.shutdown()
		if _, err := srv.Open(id, "@alice"); err != nil {
			t.Fatal(err)
		}
		c := &scriptConn{in: bytes.NewReader(in)}
		srv.start(context.Background(), c)
		srv.wg.Wait()
		if !c.closed {
			t.Fatalf("got the socket open after %q, want it closed", in)
		}
		if got := srv.state(id); got != statePending {
			t.Fatalf("got the session in state %v after %q, want pending", got, in)
		}
		if got := srv.tokens.Len(); got != 2 {
			t.Fatalf("got %d tokens after %q, want 2", got, in)
		}
		if got := srv.Handshakes().Pending; got != 0 {
			t.Fatalf("got %d handshakes counted, want 0", got)
		}
		checkAnswer(t, c.out.Bytes())
	})
}

// checkAnswer checks that what the server wrote is nothing or one Refuse.
func checkAnswer(t *testing.T, out []byte) {
	if len(out) == 0 {
		return
	}
	typ, payload, err := wire.ReadFrame(bytes.NewReader(out), make([]byte, 2048))
	if err != nil || typ != wire.FrameRefuse || wire.FrameHeaderLen+len(payload) != len(out) {
		t.Fatalf("got answer %q (%v), want one refuse frame", out, err)
	}
	if _, err := wire.ParseRefuse(payload); err != nil {
		t.Fatalf("got a refuse frame that does not parse: %v", err)
	}
}

// scriptConn is a socket that reads a fixed script, then EOF, and keeps
// what is written to it.
type scriptConn struct {
	in     *bytes.Reader
	out    bytes.Buffer
	closed bool
}

func (c *scriptConn) Read(b []byte) (int, error)         { return c.in.Read(b) }
func (c *scriptConn) Write(b []byte) (int, error)        { return c.out.Write(b) }
func (c *scriptConn) Close() error                       { c.closed = true; return nil }
func (c *scriptConn) LocalAddr() net.Addr                { return fakeAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr               { return fakeAddr{} }
func (c *scriptConn) SetDeadline(t time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(t time.Time) error { return nil }

type fakeAddr struct{}

func (fakeAddr) Network() string { return "tcp" }
func (fakeAddr) String() string  { return "192.0.2.1:1234" }
