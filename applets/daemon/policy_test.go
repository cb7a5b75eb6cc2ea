package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/identity"
)

// loadConfig reads text as the daemon reads its config file, over the
// defaults.
func loadConfig(t *testing.T, text string) (Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Defaults()
	cfg.ConfigFile = path
	return cfg, config.LoadSection(path, "daemon", false, &cfg)
}

// policyOf is the policy of a config file's text.
func policyOf(t *testing.T, text string) (*policy, string) {
	t.Helper()
	cfg, err := loadConfig(t, text)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPolicy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, cfg.ConfigFile
}

const threeRules = `
[daemon]
manager = ["@carol", "@alice"]
permit-open = ["localhost:22", "localhost:5900"]

[[daemon.policy]]
managers = ["@alice"]
permit-open = ["localhost:22", "localhost:8080", "udp/localhost:53"]
sshpublickey-permissions = 'restrict,command="uptime"'

[[daemon.policy]]
managers = ["@bob", "@dave"]
permit-open = ["localhost:22"]

[[daemon.policy]]
managers = ["*"]
permit-open = ["*:443"]
`

func TestPolicyRules(t *testing.T) {
	p, file := policyOf(t, threeRules)
	alices := "(policy rule 1 in " + file + ": localhost:22,localhost:8080,udp/localhost:53)"
	tests := []struct {
		from, target string
		udp          bool
		want         string // the target granted, or the refusal's message
	}{
		{"@alice", "localhost:8080", false, "localhost:8080"},
		{"@alice", "", false, "localhost:22"},
		{"@alice", "localhost:5900", false, "localhost:5900 is not among @alice's targets " + alices},
		{"@alice", "localhost:53", true, "localhost:53"},
		{"@alice", "localhost:53", false, "localhost:53 is not among @alice's targets " + alices},
		{"@alice", "localhost:22", true, "udp/localhost:22 is not among @alice's targets " + alices + "; a UDP target needs an entry udp/host:port"},
		{"@bob", "localhost:22", false, "localhost:22"},
		{"@bob", "localhost:8080", false, "localhost:8080 is not among @bob's targets (policy rule 2 in " + file + ": localhost:22)"},
		{"@dave", "LOCALHOST:22", false, "LOCALHOST:22"},
		// @carol is listed by --manager only: the "*" rule is hers.
		{"@carol", "db.lan:443", false, "db.lan:443"},
		{"@carol", "localhost:22", false, "localhost:22 is not among @carol's targets (policy rule 3 in " + file + ": *:443)"},
	}
	for _, tt := range tests {
		got, err := p.permit(identity.Name(tt.from), tt.target, tt.udp)
		var r *refusal
		if errors.As(err, &r) {
			if r.code != "target-refused" {
				t.Errorf("permit(%s, %q): got code %s, want target-refused", tt.from, tt.target, r.code)
			}
			got = r.message
		} else if err != nil {
			t.Fatalf("permit(%s, %q): got %v", tt.from, tt.target, err)
		}
		if got != tt.want {
			t.Errorf("permit(%s, %q):\n got %s\nwant %s", tt.from, tt.target, got, tt.want)
		}
	}
	if _, err := p.permit("@mallory", "localhost:22", false); !errors.Is(err, errNotManager) {
		t.Errorf("permit(@mallory): got %v, want errNotManager", err)
	}
	if _, err := p.permit("@alice", "", true); err == nil || err.(*refusal).code != "bad-request" {
		t.Errorf("a udp request without a target: got %v, want bad-request", err)
	}
	if got, want := p.managers, []identity.Name{"@alice", "@bob", "@carol", "@dave"}; !slices.Equal(got, want) {
		t.Errorf("got managers %v, want %v", got, want)
	}
	if got, want := p.targets("@alice"), []string{"localhost:22", "localhost:8080", "udp/localhost:53"}; !slices.Equal(got, want) {
		t.Errorf("got @alice's targets %v, want %v", got, want)
	}
	if got := p.targets("@mallory"); got != nil {
		t.Errorf("got @mallory's targets %v, want none", got)
	}
	for from, want := range map[identity.Name]string{"@alice": `restrict,command="uptime"`, "@bob": KeyOptions} {
		if r, _ := p.ruleFor(from); r.keyOptions != want {
			t.Errorf("got %s's key options %q, want %q", from, r.keyOptions, want)
		}
	}
}

// TestPolicyFromFlags is the simple case: --manager with --permit-open,
// or with the sshd alone, for every manager.
func TestPolicyFromFlags(t *testing.T) {
	cfg := Defaults()
	cfg.Managers, cfg.LocalSSHDPort = []string{"@alice"}, 2222
	p, err := newPolicy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.permit("@alice", "localhost:22", false)
	if want := "localhost:22 is not among @alice's targets (the default without --permit-open: localhost:2222)"; err == nil || err.(*refusal).message != want {
		t.Errorf("got %v, want %q", err, want)
	}
	cfg.PermitOpen = []string{"localhost:*"}
	if p, err = newPolicy(cfg); err != nil {
		t.Fatal(err)
	}
	if got, err := p.permit("@alice", "", false); got != "localhost:2222" || err != nil {
		t.Errorf("got %q, %v for no target, want the sshd", got, err)
	}
	_, err = p.permit("@alice", "10.0.0.1:22", false)
	if want := "10.0.0.1:22 is not among @alice's targets (--permit-open: localhost:*)"; err == nil || err.(*refusal).message != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestPolicyRuleWithNoTargets lets a manager be listed (pings) and open
// nothing, and a rule without the key takes --permit-open.
func TestPolicyRuleWithNoTargets(t *testing.T) {
	p, file := policyOf(t, `
[daemon]
permit-open = ["localhost:22"]
[[daemon.policy]]
managers = ["@watcher"]
permit-open = []
[[daemon.policy]]
managers = ["@alice"]
`)
	_, err := p.permit("@watcher", "localhost:22", false)
	if want := "localhost:22 is not among @watcher's targets (policy rule 1 in " + file + ": none)"; err == nil || err.(*refusal).message != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if got, err := p.permit("@alice", "localhost:22", false); got != "localhost:22" || err != nil {
		t.Errorf("@alice: got %q, %v; want --permit-open to apply", got, err)
	}
}

func TestPolicyRefusals(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"no manager", "[daemon]\npermit-open = [\"localhost:22\"]", "no --manager"},
		{"only the star", "[[daemon.policy]]\nmanagers = [\"*\"]", "no --manager"},
		{"bad --manager", "[daemon]\nmanager = [\"alice\"]", "--manager"},
		{"rule without managers", "[[daemon.policy]]\npermit-open = [\"localhost:22\"]", "policy rule 1 in FILE names no managers"},
		{"bad name in a rule", "[[daemon.policy]]\nmanagers = [\"@alice\"]\n[[daemon.policy]]\nmanagers = [\"Bob\"]", "policy rule 2 in FILE: managers: "},
		{"a manager in two rules", "[[daemon.policy]]\nmanagers = [\"@alice\"]\n[[daemon.policy]]\nmanagers = [\"@bob\", \"@alice\"]",
			"policy rule 2 in FILE names @alice, whom policy rule 1 in FILE names already"},
		{"two star rules", "[[daemon.policy]]\nmanagers = [\"*\", \"@a\"]\n[[daemon.policy]]\nmanagers = [\"*\"]", "policy rule 1 in FILE and policy rule 2 in FILE both name \"*\""},
		{"bad target", "[[daemon.policy]]\nmanagers = [\"@alice\"]\npermit-open = [\"localhost\"]", `policy rule 1 in FILE: permit-open entry "localhost"`},
		{"bad key options", "[[daemon.policy]]\nmanagers = [\"@alice\"]\nsshpublickey-permissions = \"restrict pty\"", "policy rule 1 in FILE: sshpublickey-permissions: "},
		{"bad -S", "[daemon]\nmanager = [\"@alice\"]\nsshpublickey-permissions = \"\"\"restrict\ncommand=\"x\\\"\"\"\"", "--sshpublickey-permissions: a line break"},
		{"bad udp target", "[[daemon.policy]]\nmanagers = [\"@alice\"]\npermit-open = [\"udp/localhost\"]", `policy rule 1 in FILE: permit-open entry "localhost"`},
		{"misspelt key", "[[daemon.policy]]\nmanagers = [\"@alice\"]\npermit_open = [\"localhost:22\"]", "unknown keys policy.permit_open"},
		{"targets as one string", "[[daemon.policy]]\nmanagers = [\"@alice\"]\npermit-open = \"localhost:22\"", "permit-open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadConfig(t, tt.text)
			if err == nil {
				_, err = newPolicy(cfg)
			}
			want := strings.ReplaceAll(tt.want, "FILE", cfg.ConfigFile)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("got %v, want an error with %q", err, want)
			}
		})
	}
}

func TestPolicyChanges(t *testing.T) {
	old, _ := policyOf(t, threeRules)
	p, _ := policyOf(t, `
[daemon]
manager = ["@alice", "@erin"]
local-sshd-port = 2222
[[daemon.policy]]
managers = ["@alice"]
permit-open = ["localhost:22"]
[[daemon.policy]]
managers = ["@bob", "@dave"]
permit-open = ["localhost:22"]
`)
	want := []string{
		"@alice targets localhost:22, were localhost:22,localhost:8080,udp/localhost:53",
		`@alice ssh key options "from=\"127.0.0.1,::1\",restrict,pty", were "restrict,command=\"uptime\""`,
		"@carol removed",
		"@erin added, targets localhost:2222",
		"default target localhost:2222, was localhost:22",
	}
	if got := p.changes(old); !slices.Equal(got, want) {
		t.Errorf("got changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := p.changes(p); len(got) != 0 {
		t.Errorf("got changes %v against itself, want none", got)
	}
}

// TestExamplePolicyFile reads the example of docs/usage.md, which must
// stay a valid config and the same in both places.
func TestExamplePolicyFile(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "daemon-policy.toml")
	example, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	usage, err := os.ReadFile(filepath.Join("..", "..", "docs", "usage.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The file's opening comment is the page's text around the example.
	_, body, _ := strings.Cut(string(example), "\n\n")
	if !strings.Contains(string(usage), "```toml\n"+body+"```\n") {
		t.Errorf("docs/usage.md lacks the example of %s, from its first blank line on", path)
	}
	cfg := Defaults()
	cfg.ConfigFile = path
	if err := config.LoadSection(path, "daemon", false, &cfg); err != nil {
		t.Fatal(err)
	}
	p, err := newPolicy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.managers) < 2 || len(cfg.Policy) < 2 {
		t.Errorf("got managers %v and %d rules, want an example with several of each", p.managers, len(cfg.Policy))
	}
}
