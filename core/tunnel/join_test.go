package tunnel

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// fakeRendezvous accepts one party, reads its hello into hellos, and lets
// answer reply.
func fakeRendezvous(t *testing.T, answer func(c net.Conn)) (addr string, hellos <-chan wire.RendezvousHello) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ch := make(chan wire.RendezvousHello, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		typ, payload, err := wire.ReadFrame(c, make([]byte, 256))
		if err != nil || typ != wire.FrameRendezvousHello {
			t.Errorf("rendezvous: got %s frame, %v, want a hello", typ, err)
			return
		}
		h, err := wire.ParseRendezvousHello(payload)
		if err != nil {
			t.Errorf("rendezvous: %v", err)
			return
		}
		ch <- h
		answer(c)
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String(), ch
}

// frame encodes one frame of m.
func frame(t *testing.T, m interface {
	FrameType() wire.FrameType
	AppendBinary([]byte) ([]byte, error)
}) []byte {
	payload, err := m.AppendBinary(nil)
	if err != nil {
		t.Fatalf("encode %s: %v", m.FrameType(), err)
	}
	return wire.AppendFrame(nil, m.FrameType(), payload)
}

// waitClosed keeps a rendezvous socket open until the party closes it.
func waitClosed(c net.Conn) { io.Copy(io.Discard, c) }

func TestJoin(t *testing.T) {
	early := []byte("the other party's first records")
	tests := []struct {
		name   string
		role   record.Role // 0: Join, else JoinAs
		answer func(t *testing.T, c net.Conn)
		check  func(t *testing.T, err error)
	}{
		{
			name: "paired, records right behind",
			answer: func(t *testing.T, c net.Conn) {
				c.Write(append(frame(t, wire.RendezvousPaired{Role: wire.RoleClient}), early...))
				waitClosed(c)
			},
		},
		{
			name: "paired as the expected role",
			role: record.Daemon,
			answer: func(t *testing.T, c net.Conn) {
				c.Write(append(frame(t, wire.RendezvousPaired{Role: wire.RoleDaemon}), early...))
				waitClosed(c)
			},
		},
		{
			name: "paired as the other role",
			role: record.Client,
			answer: func(t *testing.T, c net.Conn) {
				c.Write(frame(t, wire.RendezvousPaired{Role: wire.RoleDaemon}))
				waitClosed(c)
			},
			check: func(t *testing.T, err error) {
				if !mentions(err, "swapped") {
					t.Errorf("got %v, want an error about swapped tokens", err)
				}
			},
		},
		{
			name: "bad token",
			answer: func(t *testing.T, c net.Conn) {
				c.Write(frame(t, wire.Refusal{Code: wire.RefuseBadToken, Message: "no waiting session"}))
			},
			check: wantRefusal(wire.RefuseBadToken, "ask for a new session"),
		},
		{
			name: "limit",
			answer: func(t *testing.T, c net.Conn) {
				c.Write(frame(t, wire.Refusal{Code: wire.RefuseLimit}))
			},
			check: wantRefusal(wire.RefuseLimit, "retry shortly"),
		},
		{
			name: "another frame",
			answer: func(t *testing.T, c net.Conn) {
				c.Write(frame(t, wire.RendezvousHello{}))
			},
			check: wantIs(wire.ErrMalformed),
		},
		{
			name: "bad pairing payload",
			answer: func(t *testing.T, c net.Conn) {
				c.Write(wire.AppendFrame(nil, wire.FrameRendezvousPaired, []byte{9}))
			},
			check: wantIs(wire.ErrMalformed),
		},
		{
			name:   "closed without an answer",
			answer: func(t *testing.T, c net.Conn) {},
			check: func(t *testing.T, err error) {
				if !mentions(err, "closed the connection before pairing") {
					t.Errorf("got %v, want an error saying the rendezvous closed", err)
				}
			},
		},
		{
			name:   "the other party never comes",
			answer: func(t *testing.T, c net.Conn) { waitClosed(c) },
			check:  wantIs(context.DeadlineExceeded),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, hellos := fakeRendezvous(t, func(c net.Conn) { tt.answer(t, c) })
			id, tok := session.NewID(), session.NewToken()
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			opts := dialer.Options{Proxy: "none"}
			var conn net.Conn
			var err error
			if tt.role == 0 {
				conn, err = Join(ctx, addr, id, tok, opts)
			} else {
				conn, err = JoinAs(ctx, addr, tt.role, id, tok, opts)
			}
			if h := <-hellos; h.Session != id || h.Token != tok.Raw() {
				t.Errorf("hello: got session %x, want %x (and the token)", h.Session, id)
			}
			if tt.check != nil {
				if conn != nil {
					t.Errorf("got a connection with error %v, want none", err)
				}
				tt.check(t, err)
				return
			}
			if err != nil {
				t.Fatalf("Join: %v", err)
			}
			defer conn.Close()
			if _, ok := conn.(*net.TCPConn); !ok {
				t.Errorf("got a %T, want a *net.TCPConn for a direct dial", conn)
			}
			got := make([]byte, len(early))
			if _, err := io.ReadFull(conn, got); err != nil || string(got) != string(early) {
				t.Errorf("after the pairing: got %q, %v, want %q", got, err, early)
			}
		})
	}
}

// wantRefusal checks for a refusal by the rendezvous with code and advice.
func wantRefusal(code wire.RefuseCode, advice string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var ref wire.Refusal
		if !errors.As(err, &ref) {
			t.Fatalf("got %v, want a wire.Refusal", err)
		}
		if ref.Code != code || ref.Peer != "rendezvous" {
			t.Errorf("got code %s from %q, want %s from the rendezvous", ref.Code, ref.Peer, code)
		}
		if !mentions(ref, advice) || !mentions(err, advice) {
			t.Errorf("got %q, want it to say %q", err, advice)
		}
	}
}

// wantIs checks that the error wraps target.
func wantIs(target error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		if !errors.Is(err, target) {
			t.Errorf("got %v, want %v", err, target)
		}
	}
}

func TestJoinUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Join(context.Background(), addr, session.NewID(), session.NewToken(), dialer.Options{Proxy: "none"})
	if err == nil || !mentions(err, addr) {
		t.Errorf("got %v, want a dial error naming %s", err, addr)
	}
}
