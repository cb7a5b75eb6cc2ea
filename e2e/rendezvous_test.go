//go:build linux

package e2e

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// handshakeTimeout is the rendezvous's deadline for a hello in these tests.
const handshakeTimeout = time.Second

// closeSlack is how much later than its deadline a socket may be closed.
const closeSlack = 2 * time.Second

// TestRendezvousRefusesBadSockets connects to the rendezvous with garbage,
// silence, unknown, wrong and reused tokens: each socket is closed within
// the handshake deadline, while a real session through the same
// rendezvous stays open and works before, during and after.
func TestRendezvousRefusesBadSockets(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{rvArgs: []string{"--handshake-timeout", handshakeTimeout.String()}})
	port := w.openTunnel()
	live := w.startSession(t, port)

	t.Run("attacks", func(t *testing.T) {
		tests := []struct {
			name string
			send func(t *testing.T) []byte // the bytes sent, then silence
			want wire.RefuseCode           // the refusal if one comes
		}{
			{"garbage", func(*testing.T) []byte { return []byte("GET / HTTP/1.1\r\nHost: rv\r\n\r\n") }, wire.RefuseMalformed},
			{"silence", func(*testing.T) []byte { return nil }, wire.RefuseTimeout},
			{"half a hello", func(*testing.T) []byte { return hello(t, session.NewID(), session.NewToken())[:20] }, wire.RefuseTimeout},
			{"unknown session", func(t *testing.T) []byte { return hello(t, session.NewID(), session.NewToken()) }, wire.RefuseBadToken},
			{"wrong token", func(t *testing.T) []byte {
				sid, _ := w.grant(t, w.dialRelay(t, alice))
				return hello(t, sid, session.NewToken())
			}, wire.RefuseBadToken},
			{"zero token", func(t *testing.T) []byte {
				sid, _ := w.grant(t, w.dialRelay(t, alice))
				return hello(t, sid, session.Token{})
			}, wire.RefuseBadToken},
			{"another session's token", func(t *testing.T) []byte {
				r := w.dialRelay(t, alice)
				sid, _ := w.grant(t, r)
				_, other := w.grant(t, r)
				return hello(t, sid, parseToken(t, other.ClientToken))
			}, wire.RefuseBadToken},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				conn := w.dialRendezvous(t)
				if b := tt.send(t); len(b) > 0 {
					if _, err := conn.Write(b); err != nil {
						t.Fatalf("write: %v", err)
					}
				}
				expectRefusedAndClosed(t, conn, tt.want, handshakeTimeout+closeSlack)
			})
		}
		t.Run("reused token", func(t *testing.T) {
			t.Parallel()
			sid, g := w.grant(t, w.dialRelay(t, alice))
			ct, dt := parseToken(t, g.ClientToken), parseToken(t, g.DaemonToken)
			w.pair(t, sid, ct, dt)
			for _, tok := range []session.Token{ct, dt} {
				conn := w.dialRendezvous(t)
				conn.Write(hello(t, sid, tok))
				expectRefusedAndClosed(t, conn, wire.RefuseBadToken, handshakeTimeout+closeSlack)
			}
		})
	})

	live.finish(t)
	want := "nport-ok-" + token()
	res := run(t, command(w.sshArgs(port, "echo "+want), nil), runTimeout)
	mustSucceed(t, "ssh after the attacks", res)
	if got := strings.TrimSpace(res.stdout); got != want {
		t.Errorf("got %q after the attacks, want %q", got, want)
	}
}

func (w *world) dialRendezvous(t *testing.T) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", w.rvAddr)
	if err != nil {
		t.Fatalf("dial the rendezvous: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// hello is the frame that presents tok for session sid.
func hello(t *testing.T, sid session.ID, tok session.Token) []byte {
	t.Helper()
	b, err := wire.AppendPayload(nil, wire.RendezvousHello{Session: sid, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseToken(t *testing.T, s string) session.Token {
	t.Helper()
	tok, err := session.ParseToken(s)
	if err != nil {
		t.Fatalf("a token of the grant: %v", err)
	}
	return tok
}

// pair presents both tokens of a session, each on its own socket, and
// checks that each socket is admitted in its role.
func (w *world) pair(t *testing.T, sid session.ID, client, daemon session.Token) {
	t.Helper()
	conns := []net.Conn{w.dialRendezvous(t), w.dialRendezvous(t)}
	conns[0].Write(hello(t, sid, client))
	conns[1].Write(hello(t, sid, daemon))
	for i, want := range []wire.Role{wire.RoleClient, wire.RoleDaemon} {
		conns[i].SetReadDeadline(time.Now().Add(logTimeout))
		typ, payload, err := wire.ReadFrame(conns[i], make([]byte, 64))
		if err != nil || typ != wire.FrameRendezvousPaired {
			t.Fatalf("%s socket: got frame %v (%v), want paired", want, typ, err)
		}
		if p, err := wire.ParseRendezvousPaired(payload); err != nil || p.Role != want {
			t.Fatalf("got paired as %v (%v), want %v", p.Role, err, want)
		}
	}
}

// expectRefusedAndClosed reads conn until the rendezvous closes it, which
// must happen within limit. A Refuse frame may come first; if it does, its
// code must be want.
func expectRefusedAndClosed(t *testing.T, conn net.Conn, want wire.RefuseCode, limit time.Duration) {
	t.Helper()
	start := time.Now()
	conn.SetReadDeadline(start.Add(limit))
	typ, payload, err := wire.ReadFrame(conn, make([]byte, wire.MaxFrameSize))
	if err == nil {
		if typ != wire.FrameRefuse {
			t.Fatalf("got frame %v, want a refusal or the end", typ)
		}
		ref, perr := wire.ParseRefuse(payload)
		if perr != nil || ref.Code != want {
			t.Errorf("got refusal %v (%v), want code %v", ref, perr, want)
		}
		_, err = conn.Read(make([]byte, 1))
	}
	if !closedByPeer(err) {
		t.Fatalf("got %v after %v, want the socket closed within %v", err, time.Since(start).Round(time.Millisecond), limit)
	}
}

// closedByPeer tells the end of a socket from a local timeout.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		(err != nil && !errors.Is(err, os.ErrDeadlineExceeded))
}
