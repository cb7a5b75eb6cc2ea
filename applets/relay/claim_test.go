package relay

import (
	"context"
	"strings"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// TestClaimPolicies runs each claim policy in a relay and claims over
// the wire: the client gets the refusal's code and what to do.
func TestClaimPolicies(t *testing.T) {
	listed := newID(t, "@listed_key")
	tests := []struct {
		name  string
		edit  func(*Config)
		claim []string // names claimed in turn, each with a fresh key
		want  []wire.RefuseCode
		hint  string // in the last refusal
	}{
		{"open, per-source rate", func(c *Config) { c.ClaimRate, c.ClaimBurst = 1, 2 },
			[]string{"@a", "@b", "@c"}, []wire.RefuseCode{0, 0, wire.RefuseRate}, "a minute"},
		{"open, name cap", func(c *Config) { c.MaxNames = 2 },
			[]string{"@a", "@b", "@c"}, []wire.RefuseCode{0, 0, wire.RefuseLimit}, "--max-names"},
		{"allow", func(c *Config) { c.ClaimPolicy, c.Allow = "allow", []string{"@garage_pi", listed.Public().String()} },
			[]string{"@garage_pi", "@mallory"}, []wire.RefuseCode{0, wire.RefuseNotAllowed}, "--allow @mallory"},
		{"invite", func(c *Config) { c.ClaimPolicy = "invite" },
			[]string{"@pi"}, []wire.RefuseCode{wire.RefuseNotAllowed}, "nport relay invite @pi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startRelay(t, tt.edit)
			var first *client
			for i, name := range tt.claim {
				c, err := r.dial(t, newID(t, name))
				if tt.want[i] == 0 {
					if err != nil {
						t.Fatalf("claim %s: %v", name, err)
					}
					if first == nil {
						first = newClient(c)
						t.Cleanup(first.close)
					} else {
						c.Close()
					}
					continue
				}
				if !isRefusal(err, tt.want[i]) || !strings.Contains(err.Error(), tt.hint) {
					t.Errorf("claim %s: got %v, want a %v refusal saying %q", name, err, tt.want[i], tt.hint)
				}
			}
			if tt.name == "allow" {
				r.connect(t, listed)
			}
		})
	}
}

// TestReconnectionsNeverLimited reconnects bound names past the claim
// rate and at the cap.
func TestReconnectionsNeverLimited(t *testing.T) {
	r := startRelay(t, func(c *Config) { c.ClaimRate, c.ClaimBurst, c.MaxNames = 1, 1, 1 })
	alice := newID(t, "@alice")
	for range 5 {
		r.connect(t, alice).close()
	}
	if _, err := r.dial(t, newID(t, "@bob")); !isRefusal(err, wire.RefuseLimit) {
		t.Errorf("a new name at the cap: got %v, want a limit refusal", err)
	}
}

// TestBinaryInvitation runs the relay binary with --claim-policy invite,
// issues an invitation with `nport relay invite` while it runs, and
// claims with the token inside the handshake, once.
func TestBinaryInvitation(t *testing.T) {
	home := t.TempDir()
	_, r := startBinary(t, home, "127.0.0.1:0", "--claim-policy", "invite")
	inv := proctest.Run(t, proctest.Binary(t), nil, "relay", "invite", "--home", home, "@pi", "--ttl", "1h")
	if inv.Code != 0 || !strings.Contains(inv.Stderr, "once") {
		t.Fatalf("invite: exit %d, %q %q", inv.Code, inv.Stdout, inv.Stderr)
	}
	token, err := wire.ParseClaimToken(strings.TrimSpace(inv.Stdout))
	if err != nil {
		t.Fatalf("invite printed %q: %v", inv.Stdout, err)
	}
	pi := newID(t, "@pi")
	if _, err := r.dial(t, pi); !isRefusal(err, wire.RefuseNotAllowed) {
		t.Errorf("without the token: got %v, want not-allowed", err)
	}
	steps := []struct {
		id   identity.Identity
		want wire.RefuseCode // 0: accepted
	}{
		{pi, 0},
		{newID(t, "@pi"), wire.RefuseNameTaken},
		{newID(t, "@pi2"), wire.RefuseNotAllowed}, // used already
		{pi, 0}, // a reconnection with the used token configured
	}
	for i, s := range steps {
		c, err := dialWithToken(t, r, s.id, token[:])
		if s.want == 0 && err != nil || s.want != 0 && !isRefusal(err, s.want) {
			t.Errorf("step %d, %s: got %v, want refusal code %v (0: accepted)", i, s.id.Name, err, s.want)
		}
		if err == nil {
			c.Close()
		}
	}
}

func dialWithToken(t *testing.T, r *testRelay, id identity.Identity, token []byte) (*relayconn.Conn, error) {
	t.Helper()
	return relayconn.Handshake(context.Background(), dialTCP(t, r.addr), relayconn.ClientConfig{
		Identity:      id,
		ClaimToken:    token,
		CheckRelayKey: func(identity.PublicKey) error { return nil },
	})
}
