package pairing

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

func TestOpenLimits(t *testing.T) {
	srv := New(Config{MaxSessions: 3, MaxSessionsPerIdentity: 2})
	t.Cleanup(srv.shutdown) // stops the expiry timers
	used := session.NewID()
	if _, err := srv.Open(used, "@alice"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		id    session.ID
		owner identity.Name
		want  error // nil: granted
	}{
		{"id in use", used, "@bob", ErrInUse},
		{"zero id", session.ID{}, "@bob", ErrZeroID},
		{"second for alice", session.NewID(), "@alice", nil},
		{"third for alice", session.NewID(), "@alice", ErrIdentityFull},
		{"first for bob", session.NewID(), "@bob", nil},
		{"server full", session.NewID(), "@carol", ErrServerFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := srv.Open(tt.id, tt.owner)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err == nil && (g.Client.IsZero() || g.Daemon.IsZero() || g.Client.Equal(g.Daemon)) {
				t.Errorf("got tokens that are zero or equal, want two distinct ones")
			}
		})
	}
	if got, want := srv.Len(), 3; got != want {
		t.Errorf("got %d sessions, want %d", got, want)
	}
	if errors.Is(ErrServerFull, ErrLimit) != true || errors.Is(ErrIdentityFull, ErrLimit) != true {
		t.Errorf("got limit errors that do not wrap ErrLimit")
	}
}

// TestLimitFreedBySessionEnd checks that a session that ends, paired or
// expired, gives its place back.
func TestLimitFreedBySessionEnd(t *testing.T) {
	f := startServer(t, Config{MaxSessions: 1, SessionTTL: shortHandshake})
	id, g := f.open("@alice")
	if _, err := f.srv.Open(session.NewID(), "@bob"); !errors.Is(err, ErrServerFull) {
		t.Fatalf("got %v, want ErrServerFull", err)
	}
	c, d := f.join(t, id, g.Client), f.join(t, id, g.Daemon)
	readPaired(t, c)
	readPaired(t, d)
	if _, err := f.srv.Open(session.NewID(), "@bob"); !errors.Is(err, ErrServerFull) {
		t.Fatalf("got %v while a session is live, want ErrServerFull", err)
	}
	c.Close()
	d.Close()
	eventually(t, "session end", func() bool { return f.srv.Len() == 0 })
	f.open("@bob") // expires unpaired
	eventually(t, "session expiry", func() bool { return f.srv.Len() == 0 })
	f.open("@carol")
}

// TestHandshakeLimitShedsTheIdlest fills the one handshake place with a
// silent socket: a party that comes next takes its place, and the silent
// socket is told which limit shed it.
func TestHandshakeLimitShedsTheIdlest(t *testing.T) {
	f := startServer(t, Config{MaxHandshakes: 1})
	silent := f.dial(t)
	eventually(t, "silent socket seated", func() bool { return f.srv.Handshakes().Pending == 1 })
	id, g := f.open("@alice")
	c := f.join(t, id, g.Client)
	if r, ok := readRefusal(t, silent); !ok || r.Code != wire.RefuseLimit || !strings.Contains(r.Message, "global limit") {
		t.Errorf("got %v, %v for the silent socket, want a limit refusal naming the global limit", r, ok)
	}
	eventually(t, "waiting party", func() bool { return f.srv.state(id) == stateWaiting })
	d := f.join(t, id, g.Daemon)
	readPaired(t, c)
	readPaired(t, d)
	exchange(t, c, d, "after the shed")
}

func TestUnpairedExpiry(t *testing.T) {
	const ttl = 300 * time.Millisecond
	f := startServer(t, Config{SessionTTL: ttl})
	id, g := f.open("@alice")
	start := time.Now()
	waiting := f.join(t, id, g.Daemon)
	r, ok := readRefusal(t, waiting)
	if !ok || r.Code != wire.RefuseTimeout {
		t.Fatalf("got %v, %v, want a timeout refusal", r, ok)
	}
	if took := time.Since(start); took < ttl-50*time.Millisecond || took > ttl+2*time.Second {
		t.Errorf("waiting party closed after %v, want about the TTL %v", took, ttl)
	}
	if got := f.srv.Len(); got != 0 {
		t.Errorf("got %d sessions after expiry, want 0", got)
	}
	late := f.join(t, id, g.Client)
	if r, _ := readRefusal(t, late); r.Code != wire.RefuseBadToken {
		t.Errorf("got %v for the late party, want bad-token", r)
	}
}

// TestFirstPartyLeaves ends a session whose waiting party hangs up: its
// token is spent, so the session could never pair.
func TestFirstPartyLeaves(t *testing.T) {
	f := startServer(t, Config{})
	id, g := f.open("@alice")
	first := f.join(t, id, g.Client)
	eventually(t, "waiting party", func() bool { return f.srv.state(id) == stateWaiting })
	first.Close()
	eventually(t, "session end", func() bool { return f.srv.Len() == 0 })
	second := f.join(t, id, g.Daemon)
	if r, _ := readRefusal(t, second); r.Code != wire.RefuseBadToken {
		t.Errorf("got %v, want bad-token", r)
	}
}

// TestEarlyData closes a waiting party that sends before it is paired.
func TestEarlyData(t *testing.T) {
	f := startServer(t, Config{})
	id, g := f.open("@alice")
	first := f.join(t, id, g.Client)
	eventually(t, "waiting party", func() bool { return f.srv.state(id) == stateWaiting })
	if _, err := first.Write([]byte("too soon")); err != nil {
		t.Fatal(err)
	}
	if r, _ := readRefusal(t, first); r.Code != wire.RefuseMalformed {
		t.Errorf("got %v, want malformed", r)
	}
	if got := f.srv.Len(); got != 0 {
		t.Errorf("got %d sessions, want 0", got)
	}
}

// TestShutdown stops a server holding a waiting party, a live session and
// a socket in its handshake: all are closed and no goroutine is left
// (startServer's stop checks).
func TestShutdown(t *testing.T) {
	f := startServer(t, Config{})
	id, g := f.open("@alice")
	c, d := f.join(t, id, g.Client), f.join(t, id, g.Daemon)
	readPaired(t, c)
	readPaired(t, d)
	id2, g2 := f.open("@alice")
	waiting := f.join(t, id2, g2.Client)
	eventually(t, "waiting party", func() bool { return f.srv.state(id2) == stateWaiting })
	f.open("@bob") // pending, no party
	silent := f.dial(t)
	f.stop()
	for name, conn := range map[string]net.Conn{"client": c, "daemon": d, "waiting": waiting, "silent": silent} {
		readRefusal(t, conn) // returns once the socket has ended
		t.Logf("%s closed", name)
	}
	if got := f.srv.Len(); got != 0 {
		t.Errorf("got %d sessions after shutdown, want 0", got)
	}
	if _, err := f.srv.Open(session.NewID(), "@alice"); !errors.Is(err, ErrClosed) {
		t.Errorf("got %v after shutdown, want ErrClosed", err)
	}
}
