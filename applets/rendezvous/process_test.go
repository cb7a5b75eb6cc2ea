package rendezvous

import (
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

var readyLine = regexp.MustCompile(`^nport rendezvous ready: listen=(\S+) address=(\S+) identity=(@\S+) key=(nport-pub:\S+)$`)

// srvd returns a link named srvd to the nport binary, as installed.
func srvd(t *testing.T) string {
	t.Helper()
	link := filepath.Join(t.TempDir(), "srvd")
	if err := os.Symlink(proctest.Binary(t), link); err != nil {
		t.Fatal(err)
	}
	return link
}

// TestBinaryServes starts srvd, waits for its readiness line, checks it
// answers on the address it printed, and stops it with SIGTERM.
func TestBinaryServes(t *testing.T) {
	relayAddr := startRelay(t)
	p := proctest.Start(t, srvd(t), nil, "--home", t.TempDir(), "-a", "@rv", "--relay", relayAddr,
		"--listen", "127.0.0.1:0", "--handshake-timeout", "300ms", "--log-format", "json")
	m := p.WaitFor(readyLine, 30*time.Second)
	if m[3] != "@rv" {
		t.Errorf("got identity %s, want @rv", m[3])
	}
	if _, err := identity.ParsePublicKey(m[4]); err != nil {
		t.Errorf("got key %q: %v", m[4], err)
	}
	if m[1] != m[2] {
		t.Errorf("got address %s, want the listen address %s (no --ip)", m[2], m[1])
	}
	r := silentRefusal(t, m[2])
	if r.Code != wire.RefuseTimeout {
		t.Errorf("got %v from the printed address, want a timeout refusal", r)
	}
	p.Stop()
	if code := p.Cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("got exit %d after SIGTERM, want 0; output:\n%s", code, p.Output())
	}
}

func TestBinaryRefusesBadSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no ip for every interface", []string{"-a", "@rv", "--relay", "127.0.0.1:1", "--listen", ":0"}, "--ip"},
		{"no identity", []string{"--relay", "127.0.0.1:1", "--listen", "127.0.0.1:0"}, "--atsign"},
		{"no relay", []string{"-a", "@rv", "--listen", "127.0.0.1:0"}, "--relay"},
	}
	bin := srvd(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := proctest.Run(t, bin, nil, append([]string{"--home", t.TempDir()}, tt.args...)...)
			if got.Code == 0 || !strings.Contains(got.Stderr, tt.want) {
				t.Errorf("got exit %d, stderr %q, want a failure naming %q", got.Code, got.Stderr, tt.want)
			}
		})
	}
}
