package relay

import (
	"strings"
	"testing"

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
