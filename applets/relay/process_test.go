package relay

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/wire"
)

func TestMain(m *testing.M) { proctest.Main(m) }

var readyLine = regexp.MustCompile(`^nport relay ready: listen=(\S+) key=(nport-pub:\S+) fingerprint=(fp:[0-9a-f]+)$`)

// startBinary runs `nport relay` and returns it with the address and key
// of its readiness line.
func startBinary(t *testing.T, home, listen string, args ...string) (*proctest.Proc, *testRelay) {
	t.Helper()
	p := startProc(t, append([]string{"relay", "--home", home, "--listen", listen, "--log-format", "json"}, args...)...)
	m := p.WaitFor(readyLine, 30*time.Second)
	key, err := identity.ParsePublicKey(m[2])
	if err != nil {
		t.Fatalf("readiness line key: %v", err)
	}
	if m[3] != key.Fingerprint() {
		t.Errorf("fingerprint: got %s, want %s", m[3], key.Fingerprint())
	}
	return p, &testRelay{addr: m[1], key: key, home: home}
}

var regexpMust = regexp.MustCompile

// isRefusal reports whether err is a refusal with code.
func isRefusal(err error, code wire.RefuseCode) bool {
	ref, ok := errors.AsType[wire.Refusal](err)
	return ok && ref.Code == code
}

// startProc runs the nport binary with args.
func startProc(t *testing.T, args ...string) *proctest.Proc {
	t.Helper()
	return proctest.Start(t, proctest.Binary(t), nil, args...)
}

func TestBinaryDirectorySurvivesRestart(t *testing.T) {
	home := t.TempDir()
	alice, mallory := newID(t, "@alice"), newID(t, "@alice")
	p, r := startBinary(t, home, "127.0.0.1:0")
	c, err := r.dial(t, alice)
	if err != nil {
		t.Fatalf("first connection: %v", err)
	}
	c.Close()

	p.Kill() // as a crash would
	p2, r2 := startBinary(t, home, r.addr)
	if !r2.key.Equal(r.key) {
		t.Fatalf("relay key changed across a restart: %v, then %v", r.key, r2.key)
	}
	if c, err := r2.dial(t, alice); err != nil {
		t.Errorf("same key after restart: %v", err)
	} else {
		c.Close()
	}
	_, err = r2.dial(t, mallory)
	if ref, ok := errors.AsType[wire.Refusal](err); !ok || ref.Code != wire.RefuseNameTaken {
		t.Errorf("another key after restart: got %v, want a name-taken refusal", err)
	}

	bin := proctest.Binary(t)
	list := proctest.Run(t, bin, nil, "relay", "directory", "list", "--home", home)
	if list.Code != 0 || !strings.HasPrefix(list.Stdout, "@alice "+alice.Public().String()) {
		t.Errorf("directory list: exit %d, %q; want @alice with her key", list.Code, list.Stdout)
	}
	rm := proctest.Run(t, bin, nil, "relay", "directory", "remove", "--home", home, "@alice")
	if rm.Code != 0 || !strings.Contains(rm.Stdout, "removed @alice") {
		t.Fatalf("directory remove: exit %d, %q %q", rm.Code, rm.Stdout, rm.Stderr)
	}
	if c, err := r2.dial(t, mallory); err != nil {
		t.Errorf("another key after `directory remove`, relay still running: %v", err)
	} else {
		c.Close()
	}
	p2.Stop()
	if code := p2.Wait(10 * time.Second); code != 0 {
		t.Errorf("exit code after SIGTERM: got %d, want 0\n%s", code, p2.Output())
	}
}

func TestBinaryRefusesBadFlags(t *testing.T) {
	bin := proctest.Binary(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"tls cert alone", []string{"--tls-cert", "x.pem"}, "go together"},
		{"send queue below queue", []string{"--send-queue", "8", "--queue-length", "64"}, "--send-queue"},
		{"stray argument", []string{"lisst"}, "unexpected argument"},
		{"unknown claim policy", []string{"--claim-policy", "closed"}, "unknown --claim-policy"},
		{"allow list without its policy", []string{"--allow", "@pi"}, "--claim-policy allow only"},
		{"allow policy without a list", []string{"--claim-policy", "allow"}, "at least one --allow"},
		{"bad allow entry", []string{"--claim-policy", "allow", "--allow", "nport-pub:xyz"}, "--allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"relay", "--home", t.TempDir(), "--listen", "127.0.0.1:0"}, tt.args...)
			res := proctest.Run(t, bin, nil, args...)
			if res.Code == 0 || !strings.Contains(res.Stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want a failure mentioning %q", res.Code, res.Stderr, tt.want)
			}
		})
	}
}

// TestBinaryAllowListFromConfig reads the allow policy from the [relay]
// section of the config file, as an operator writes it.
func TestBinaryAllowListFromConfig(t *testing.T) {
	home := t.TempDir()
	pi := newID(t, "@garage_pi")
	listed := newID(t, "@any_name")
	conf := "[relay]\nclaim-policy = \"allow\"\nallow = [\"@garage_pi\", \"" + listed.Public().String() + "\"]\n"
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	_, r := startBinary(t, home, "127.0.0.1:0")
	r.connect(t, pi)
	r.connect(t, listed)
	if _, err := r.dial(t, newID(t, "@mallory")); !isRefusal(err, wire.RefuseNotAllowed) {
		t.Errorf("a name not on the list: got %v, want a not-allowed refusal", err)
	}
}
