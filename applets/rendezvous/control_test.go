package rendezvous

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// request sends a message of type typ with body (a Body, or raw JSON
// bytes) to the rendezvous and returns the answer.
func request(t *testing.T, c *relayclient.Client, rv Ready, typ wire.MessageType, sid session.ID, body any) wire.Message {
	t.Helper()
	m, err := seal.NewMessage(typ, sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if raw, ok := body.([]byte); ok {
		m.Body = raw
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	in, err := c.Request(ctx, rv.Identity, m)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if in.From != rv.Identity || in.Msg.Session != sid {
		t.Fatalf("got an answer from %s in session %x, want %s in %x", in.From, in.Msg.Session, rv.Identity, sid)
	}
	return in.Msg
}

func TestSessionRequests(t *testing.T) {
	relayAddr := startRelay(t)
	rv, _ := startRendezvous(t, relayAddr, func(c *Config) {
		c.Managers = []string{"@alice", "@bob"}
		c.MaxSessionsPerIdentity = 1
	})
	alice, bob := connect(t, relayAddr, "@alice"), connect(t, relayAddr, "@bob")
	mallory := connect(t, relayAddr, "@mallory")
	good := wire.SessionRequest{To: "@garage_pi", Device: "pi"}
	used := session.NewID()
	tests := []struct {
		name     string
		from     *relayclient.Client
		sid      session.ID
		body     any
		wantCode string // "" wants a grant
	}{
		{"manager", alice, used, good, ""},
		{"not a manager", mallory, session.NewID(), good, wire.RefusalUnauthorized},
		{"id in use", bob, used, good, wire.RefusalBadRequest},
		{"bad daemon name", bob, session.NewID(), wire.SessionRequest{To: "garage_pi"}, wire.RefusalBadRequest},
		{"body not an object", bob, session.NewID(), []byte("null"), wire.RefusalBadRequest},
		{"over the per-identity limit", alice, session.NewID(), good, wire.RefusalLimit},
		{"another manager", bob, session.NewID(), good, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := request(t, tt.from, rv, wire.MsgSessionRequest, tt.sid, tt.body)
			if tt.wantCode == "" {
				checkGrant(t, m, rv)
				return
			}
			var r wire.RefusalBody
			if err := wire.DecodeBody(m, &r); err != nil {
				t.Fatalf("got %s message (%v), want a refusal", m.Type, err)
			}
			if r.Code != tt.wantCode || r.Message == "" {
				t.Errorf("got refusal %q: %q, want code %q with a message", r.Code, r.Message, tt.wantCode)
			}
		})
	}
}

// checkGrant checks a grant's fields.
func checkGrant(t *testing.T, m wire.Message, rv Ready) wire.SessionGrant {
	t.Helper()
	var g wire.SessionGrant
	if err := wire.DecodeBody(m, &g); err != nil {
		t.Fatalf("got %s message (%v), want a grant", m.Type, err)
	}
	if g.Address != rv.Address {
		t.Errorf("got address %q, want %q", g.Address, rv.Address)
	}
	if g.ExpiresMillis != 30_000 {
		t.Errorf("got expiry %d ms, want 30000", g.ExpiresMillis)
	}
	c, errC := wire.Decode32(g.ClientToken)
	d, errD := wire.Decode32(g.DaemonToken)
	if errC != nil || errD != nil || c == d {
		t.Errorf("got tokens that do not decode or are equal: %v, %v", errC, errD)
	}
	return g
}

// TestGrantAdmitsBothParties follows a grant to the data plane: both
// tokens admit their party, and bytes flow.
func TestGrantAdmitsBothParties(t *testing.T) {
	relayAddr := startRelay(t)
	rv, _ := startRendezvous(t, relayAddr, nil)
	alice := connect(t, relayAddr, "@alice")
	sid := session.NewID()
	g := checkGrant(t, request(t, alice, rv, wire.MsgSessionRequest, sid, wire.SessionRequest{To: "@pi"}), rv)
	client := joinAs(t, g.Address, sid, g.ClientToken)
	daemon := joinAs(t, g.Address, sid, g.DaemonToken)
	for _, p := range []struct {
		c    net.Conn
		want wire.Role
	}{{client, wire.RoleClient}, {daemon, wire.RoleDaemon}} {
		_ = p.c.SetReadDeadline(time.Now().Add(wait))
		var buf [8]byte
		typ, payload, err := wire.ReadFrame(p.c, buf[:])
		if err != nil || typ != wire.FrameRendezvousPaired {
			t.Fatalf("got %s, %v, want rendezvous-paired", typ, err)
		}
		if r, _ := wire.ParseRendezvousPaired(payload); r.Role != p.want {
			t.Errorf("got role %v, want %v", r.Role, p.want)
		}
	}
	if _, err := client.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(daemon, got); err != nil || string(got) != "hello" {
		t.Errorf("got %q, %v, want hello", got, err)
	}
}

// joinAs dials the rendezvous and sends the hello for sid and token text.
func joinAs(t *testing.T, addr string, sid session.ID, token string) net.Conn {
	t.Helper()
	tok, err := wire.Decode32(token)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	frame, err := wire.AppendPayload(nil, wire.RendezvousHello{Session: sid, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(frame); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPing(t *testing.T) {
	relayAddr := startRelay(t)
	rv, _ := startRendezvous(t, relayAddr, func(c *Config) { c.Managers = []string{"@alice"} })
	tests := []struct {
		name     string
		from     identity.Name
		wantType wire.MessageType
	}{
		{"manager", "@alice", wire.MsgPong},
		{"stranger", "@mallory", wire.MsgRefusal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := connect(t, relayAddr, tt.from)
			m := request(t, c, rv, wire.MsgPing, session.NewID(), wire.PingBody{})
			if m.Type != tt.wantType {
				t.Errorf("got %s, want %s", m.Type, tt.wantType)
			}
		})
	}
}
