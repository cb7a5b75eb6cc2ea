package relayconn

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/identity/identitytest"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

// fixedID is an identity with a fixed key, so recorded exchanges (the
// fuzz seeds) stay valid.
var fixedID = identitytest.Fixed

func newID(t testing.TB, name string) identity.Identity {
	t.Helper()
	key, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return identity.Identity{Name: identity.Name(name), Key: key}
}

// fillReader is a source of "random" bytes that always gives b.
type fillReader byte

func (f fillReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

func trustAny(identity.PublicKey) error { return nil }

func welcome(keepalive time.Duration) wire.Welcome {
	return wire.Welcome{KeepaliveMillis: uint32(keepalive / time.Millisecond), MaxFrame: wire.MaxFrameSize, ConnID: 1}
}

// tcpPair returns the two ends of a loopback TCP connection, the client's
// (dialed) first; both are closed when the test ends.
var tcpPair = nettest.TCPPair

type result struct {
	c   *Conn
	err error
}

// acceptAsync runs Accept in the background.
func acceptAsync(ctx context.Context, nc net.Conn, cfg ServerConfig) <-chan result {
	ch := make(chan result, 1)
	go func() {
		c, err := Accept(ctx, nc, cfg)
		ch <- result{c, err}
	}()
	return ch
}

// connect runs both sides of a handshake over TCP and fails the test
// unless both succeed.
func connect(t testing.TB, srv ServerConfig, cli ClientConfig) (client, server *Conn) {
	t.Helper()
	client, server, _, _ = connectRaw(t, srv, cli)
	return client, server
}

// connectRaw is connect that also returns the sockets under the two
// Conns, for tests that write raw bytes from one side.
func connectRaw(t testing.TB, srv ServerConfig, cli ClientConfig) (client, server *Conn, cn, sn net.Conn) {
	t.Helper()
	cn, sn = tcpPair(t)
	ctx := context.Background()
	ch := acceptAsync(ctx, sn, srv)
	client, err := Handshake(ctx, cn, cli)
	if err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatalf("server handshake: %v", r.err)
	}
	t.Cleanup(func() { client.Close(); r.c.Close() })
	return client, r.c, cn, sn
}

// next calls Next with a bound, so a broken test fails instead of hanging.
func next(t testing.TB, c *Conn) (any, error) {
	t.Helper()
	type res struct {
		v   any
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := c.Next()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("Next did not return within 10s")
		return nil, nil
	}
}

// muteConn drops every write once muted, as a peer whose sending side
// died would look from the other end.
type muteConn struct {
	net.Conn
	muted atomic.Bool
}

func (m *muteConn) Write(b []byte) (int, error) {
	if m.muted.Load() {
		return len(b), nil
	}
	return m.Conn.Write(b)
}

// scriptConn is a connection whose peer sends script, then closes; what
// is written to it is dropped. Deadlines are no-ops: reads never block.
type scriptConn struct {
	r      *bytes.Reader
	closed atomic.Bool
}

func newScriptConn(script []byte) *scriptConn { return &scriptConn{r: bytes.NewReader(script)} }

func (s *scriptConn) Read(b []byte) (int, error) {
	if s.closed.Load() {
		return 0, net.ErrClosed
	}
	n, err := s.r.Read(b)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (s *scriptConn) Write(b []byte) (int, error) {
	if s.closed.Load() {
		return 0, net.ErrClosed
	}
	return len(b), nil
}

func (s *scriptConn) Close() error                     { s.closed.Store(true); return nil }
func (s *scriptConn) LocalAddr() net.Addr              { return scriptAddr{} }
func (s *scriptConn) RemoteAddr() net.Addr             { return scriptAddr{} }
func (s *scriptConn) SetDeadline(time.Time) error      { return nil }
func (s *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (s *scriptConn) SetWriteDeadline(time.Time) error { return nil }

type scriptAddr struct{}

func (scriptAddr) Network() string { return "script" }
func (scriptAddr) String() string  { return "script" }

// frames concatenates whole frames.
func frames(t testing.TB, ps ...wire.Payload) []byte {
	t.Helper()
	var b []byte
	for _, p := range ps {
		var err error
		if b, err = wire.AppendPayload(b, p); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// readRefusal reads frames from a raw connection until a Refuse, and
// returns it.
func readRefusal(t testing.TB, nc net.Conn) (wire.Refusal, bool) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := wire.NewReader(nc, 0)
	for {
		typ, payload, err := r.ReadFrame()
		if err != nil {
			return wire.Refusal{}, false
		}
		if typ == wire.FrameRefuse {
			ref, err := wire.ParseRefuse(payload)
			return ref, err == nil
		}
	}
}
