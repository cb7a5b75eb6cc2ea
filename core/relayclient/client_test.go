package relayclient

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

func TestNewRefusals(t *testing.T) {
	id := newID(t, "@alice")
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no identity", Config{Settings: Settings{Relay: "r:1"}}, "no identity"},
		{"no relay", Config{Identity: id}, "no relay"},
		{"bad relay key", Config{Settings: Settings{Relay: "r:1", RelayKey: "nport-pub:nope"}, Identity: id}, "bad --relay-key"},
		{"private relay key", Config{Settings: Settings{Relay: "r:1", RelayKey: id.Key.RevealText()}, Identity: id}, "bad --relay-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Home = t.TempDir()
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), id.Key.RevealText()) {
				t.Errorf("got %q, which shows a private key", err)
			}
		})
	}
}

func TestRunTwice(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	p := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	p.ready(t)
	if err := p.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("got %v, want an error for the second Run", err)
	}
}

// TestRelayPin checks trust on first use of the relay's key, and the key
// pinned up front, which is not written.
func TestRelayPin(t *testing.T) {
	relayKey := newKey(t)
	relay := startFakeRelay(t, relayKey, "127.0.0.1:0")
	tests := []struct {
		name      string
		upFront   string
		wantWrite bool
	}{
		{"first use pins it", "", true},
		{"pinned up front", relayKey.Public().String(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, relay.addr, newID(t, "@alice"+strings.ReplaceAll(tt.name, " ", "-")))
			cfg.RelayKey = tt.upFront
			p := startPeer(t, cfg)
			p.ready(t)
			if got := p.RelayKey(); !got.Equal(relayKey.Public()) {
				t.Errorf("got relay key %v, want %v", got, relayKey.Public())
			}
			data, _ := os.ReadFile(identity.KnownFile(cfg.Home))
			line := identity.RelaySubject(relay.addr) + " " + relayKey.Public().String()
			if got := strings.Contains(string(data), line); got != tt.wantWrite {
				t.Errorf("got pin written %v, want %v; file:\n%s", got, tt.wantWrite, data)
			}
		})
	}
}

// TestRelayKeyChanged checks that Run gives up at once, with the
// explanation, when the relay at the pinned address shows another key:
// after a restart, or against a key pinned up front.
func TestRelayKeyChanged(t *testing.T) {
	t.Run("after a restart", func(t *testing.T) {
		relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
		p := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
		p.ready(t)
		relay.Close()
		startFakeRelay(t, newKey(t), relay.addr)
		err := p.runErr(t)
		var changed *identity.KeyChangedError
		if !errors.As(err, &changed) || !strings.Contains(err.Error(), "remove line 2 of") {
			t.Fatalf("got %v, want a *identity.KeyChangedError naming the line to remove", err)
		}
	})
	t.Run("pinned up front", func(t *testing.T) {
		relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
		cfg := testConfig(t, relay.addr, newID(t, "@alice"))
		cfg.RelayKey = newKey(t).Public().String()
		p := startPeer(t, cfg)
		err := p.runErr(t)
		if !errors.Is(err, identity.ErrKeyChanged) || !strings.Contains(err.Error(), "in the configuration") {
			t.Fatalf("got %v, want ErrKeyChanged pointing at the configuration", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		if werr := p.WaitReady(ctx); !errors.Is(werr, identity.ErrKeyChanged) {
			t.Errorf("got WaitReady %v, want Run's error", werr)
		}
	})
}

func TestNameTaken(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	first := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	first.ready(t)
	second := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	err := second.runErr(t)
	var r wire.Refusal
	if !errors.As(err, &r) || r.Code != wire.RefuseNameTaken || !strings.Contains(err.Error(), "nport relay directory remove @alice") {
		t.Fatalf("got %v, want a name-taken refusal saying what to do", err)
	}
}

func TestExchange(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	alice := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	bob := startPeer(t, testConfig(t, relay.addr, newID(t, "@bob")))
	alice.ready(t)
	bob.ready(t)
	tests := []struct {
		from, to *peer
		text     string
	}{
		{alice, bob, "hello bob"},
		{bob, alice, "hello alice"},
		{alice, bob, "again"},
	}
	for _, tt := range tests {
		m := message(t, tt.text)
		tt.from.send(t, tt.to.id.Name, m)
		in := tt.to.next(t)
		if in.From != tt.from.id.Name || in.Msg.ID != m.ID || body(t, in.Msg) != tt.text {
			t.Errorf("got %s %q from %s, want %q from %s", in.Msg.Type, body(t, in.Msg), in.From, tt.text, tt.from.id.Name)
		}
	}
	// Each side pinned the other on first use.
	for _, p := range []*peer{alice, bob} {
		data, err := os.ReadFile(identity.KnownFile(p.home))
		if err != nil {
			t.Fatal(err)
		}
		other := map[*peer]*peer{alice: bob, bob: alice}[p]
		if want := string(other.id.Name) + " " + other.id.Public().String(); !strings.Contains(string(data), want) {
			t.Errorf("%s: got pins\n%s\nwant the line %q", p.id.Name, data, want)
		}
	}
}

func TestRequest(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	alice := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	bob := startPeer(t, testConfig(t, relay.addr, newID(t, "@bob")))
	alice.ready(t)
	bob.ready(t)
	go answer(bob)

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	// An unrelated message from bob first: it goes to Messages, not to
	// the request.
	bob.send(t, "@alice", message(t, "unrelated"))
	if in := alice.next(t); body(t, in.Msg) != "unrelated" {
		t.Fatalf("got %q, want the unrelated message", body(t, in.Msg))
	}
	m := message(t, "question")
	in, err := alice.Request(ctx, "@bob", m)
	if err != nil {
		t.Fatal(err)
	}
	if in.From != "@bob" || in.Msg.Session != m.Session || in.Msg.Type != wire.MsgPong {
		t.Errorf("got %s in session %x from %s, want a pong in %x from @bob", in.Msg.Type, in.Msg.Session, in.From, m.Session)
	}
	select {
	case extra := <-alice.Messages():
		t.Errorf("got %s on Messages, want the answer to go to the request only", extra.Msg.Type)
	default:
	}
}

// answer makes p answer every ping with a pong in the same session.
func answer(p *peer) {
	for in := range p.Messages() {
		pong := in.Msg
		pong.Type, pong.ID, pong.Time = wire.MsgPong, session.NewID(), time.Now().UnixMilli()
		pong.Body = []byte(`{"device":"pong"}`)
		p.Reply(context.Background(), in, pong)
	}
}

func TestRequestFailures(t *testing.T) {
	relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
	alice := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
	silent := startPeer(t, testConfig(t, relay.addr, newID(t, "@silent")))
	alice.ready(t)
	silent.ready(t)
	tests := []struct {
		name    string
		to      identity.Name
		timeout time.Duration
		msg     func() wire.Message
		is      error
		want    string
	}{
		{"unknown name", "@nobody", testTimeout, func() wire.Message { return message(t, "x") }, ErrUnknownName,
			"@nobody has never connected to relay " + relay.addr},
		{"no answer", "@silent", 300 * time.Millisecond, func() wire.Message { return message(t, "x") }, context.DeadlineExceeded,
			"@silent did not answer within 300ms (is it running and connected to the relay, and are you allowed to use it?)"},
		{"no session", "@silent", testTimeout, func() wire.Message { m := message(t, "x"); m.Session = [16]byte{}; return m }, nil,
			"needs a session id"},
		{"bad name", "bob", testTimeout, func() wire.Message { return message(t, "x") }, nil, "bad name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			_, err := alice.Request(ctx, tt.to, tt.msg())
			if err == nil || !strings.Contains(err.Error(), tt.want) || tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("got %v, want an error with %q (is %v)", err, tt.want, tt.is)
			}
		})
	}
}

// TestSendStatus checks that a Request ends early on the relay's verdict
// that its message cannot be delivered, and sends again, until its
// context ends, what the relay refused for now.
func TestSendStatus(t *testing.T) {
	tests := []struct {
		status  wire.SendResult
		is      error
		want    string
		retried bool
	}{
		{wire.SendUnknownRecipient, ErrUnknownName, "@bob has never connected to relay", false},
		{wire.SendKeyMismatch, nil, "the key for @bob changed", false},
		{wire.SendDropped, ErrDropped, "it is busy on relay", true},
		{wire.SendOverRate, ErrDropped, "sends faster than relay", true},
	}
	for _, tt := range tests {
		t.Run(tt.status.String(), func(t *testing.T) {
			relay := startFakeRelay(t, newKey(t), "127.0.0.1:0")
			alice := startPeer(t, testConfig(t, relay.addr, newID(t, "@alice")))
			bob := startPeer(t, testConfig(t, relay.addr, newID(t, "@bob")))
			alice.ready(t)
			bob.ready(t)
			relay.mu.Lock()
			relay.status, relay.force = tt.status, true
			relay.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 1300*time.Millisecond)
			defer cancel()
			_, err := alice.Request(ctx, "@bob", message(t, "x"))
			if tt.is != nil && !errors.Is(err, tt.is) || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %v with %q", err, tt.is, tt.want)
			}
			if sent := len(relay.envelopes()); (sent > 1) != tt.retried {
				t.Errorf("the relay got %d envelopes; want it asked again: %v", sent, tt.retried)
			}
		})
	}
}
