//go:build linux && !nport_nocluster

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/cluster/natstest"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// clusterWorld is a world on two relays of one cluster, over a 3-node
// NATS cluster: relay A talks to NATS server n1, relay B to n2, and both
// prove one key. The daemon and the rendezvous are given both relays, A
// first; the client uses B only.
type clusterWorld struct {
	*world
	nats   *natstest.Cluster
	a, b   *proctest.Proc
	aAddr  string
	bAddr  string
	rvHome string
}

// newClusterWorld starts the NATS cluster, the relays, a rendezvous and
// the daemon, and waits for each.
func newClusterWorld(t *testing.T) *clusterWorld {
	t.Helper()
	nats := natstest.Start(t, 3)
	w := &world{t: t, bin: proctest.Binary(t), sshd: sshdtest.Start(t), homes: map[string]string{}}
	cw := &clusterWorld{world: w, nats: nats}
	var aHome string
	cw.a, aHome, cw.aAddr = cw.startRelay("", nats.Servers[0].URL)
	cw.b, _, cw.bAddr = cw.startRelay(aHome, nats.Servers[1].URL)
	w.relayP, w.relayDir = cw.a, aHome
	w.relay = cw.aAddr + "," + cw.bAddr
	w.startRendezvous(nil)
	w.startDaemon(false)
	w.homes[alice] = t.TempDir()
	if _, err := (identity.Store{Dir: w.homes[alice]}).Create(alice); err != nil {
		t.Fatal(err)
	}
	return cw
}

// startRelay starts a relay on the cluster, with the key of the relay
// whose home is keyFrom (none: a new key), and returns it, its home and
// its address.
func (cw *clusterWorld) startRelay(keyFrom, natsURL string) (*proctest.Proc, string, string) {
	home := cw.t.TempDir()
	if keyFrom != "" {
		copyKey(cw.t, keyFrom, home, "@relay")
	}
	env := []string{identity.HomeEnv + "=" + home, "NPORT_RELAY="}
	p := proctest.Start(cw.t, cw.bin, env, "relay", "--listen", "127.0.0.1:0", "--cluster", natsURL, "--log-format", "json", "-v")
	m := p.WaitFor(relayReady, readyTimeout)
	if cw.relayKey == "" {
		cw.relayKey = m[2]
	} else if m[2] != cw.relayKey {
		cw.t.Fatalf("the second relay proves %s, want the first's key %s", m[2], cw.relayKey)
	}
	return p, home, m[1]
}

// copyKey copies the key file of name from one home to another.
func copyKey(t testing.TB, from, to, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(from, "keys", name+".key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(to, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(to, "keys", name+".key"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// ssh runs a session from the client, on relay B only, and checks that
// it reached the device.
func (cw *clusterWorld) ssh(t *testing.T, what string) {
	t.Helper()
	word := "nport-ok-" + token()
	r := cw.runClient(alice, "--relay", cw.bAddr, "--ssh", cw.sshWrapper(t, "echo "+word))
	mustSucceed(t, what, r)
	if got := strings.TrimSpace(r.stdout); got != word {
		t.Errorf("%s: got %q, want %q", what, got, word)
	}
}

// connectedTo matches the daemon's log line for its connection to addr.
func connectedTo(addr string) *regexp.Regexp {
	return regexp.MustCompile(`"msg":"connected to the relay".*"addr":"` + regexp.QuoteMeta(addr) + `"`)
}

// TestClusterSSHAcrossRelays: the daemon on relay A, the client on relay
// B, a real ssh session; relay A killed, the daemon is on B within 5 s,
// and a new session works.
func TestClusterSSHAcrossRelays(t *testing.T) {
	cw := newClusterWorld(t)
	cw.daemon.WaitFor(connectedTo(cw.aAddr), readyTimeout)
	cw.ssh(t, "ssh with the daemon on relay A and the client on relay B")

	cw.a.Kill()
	cw.daemon.WaitFor(connectedTo(cw.bAddr), 5*time.Second)
	cw.ssh(t, "ssh after relay A was killed")
}

// TestClusterRendezvousShareSessions: two rendezvous with one identity,
// on different relays, share the sessions; one killed, new sessions go to
// the other.
func TestClusterRendezvousShareSessions(t *testing.T) {
	cw := newClusterWorld(t)
	rv1 := cw.rv
	rv1Home := rendezvousHome(t, rv1)
	home := t.TempDir()
	copyKey(t, rv1Home, home, rvName)
	env := []string{identity.HomeEnv + "=" + home, "NPORT_RELAY="}
	rv2 := proctest.Start(t, cw.bin, env, "rendezvous", "-a", rvName, "--listen", "127.0.0.1:0",
		"--relay", cw.bAddr, "--relay-key", cw.relayKey, "--log-format", "json", "-v")
	rv2.WaitFor(rvReady, readyTimeout)

	const sessions = 8
	for i := range sessions {
		cw.ssh(t, "session "+string(rune('1'+i)))
	}
	n1, n2 := granted(rv1), granted(rv2)
	if n1+n2 != sessions || n1 == 0 || n2 == 0 {
		t.Errorf("the rendezvous granted %d and %d sessions, want %d in all, shared by both", n1, n2, sessions)
	}
	rv1.Kill()
	for range 3 {
		cw.ssh(t, "session after the first rendezvous was killed")
	}
	if got := granted(rv2); got != n2+3 {
		t.Errorf("the second rendezvous granted %d sessions after the first was killed, want %d", got-n2, 3)
	}
}

// granted counts the sessions a rendezvous granted.
func granted(p *proctest.Proc) int { return strings.Count(p.Output(), `"msg":"session granted"`) }

// rendezvousHome is the NPORT_HOME a process was started with.
func rendezvousHome(t *testing.T, p *proctest.Proc) string {
	t.Helper()
	for i := len(p.Cmd.Env) - 1; i >= 0; i-- { // the last one counts
		if v, ok := strings.CutPrefix(p.Cmd.Env[i], identity.HomeEnv+"="); ok {
			return v
		}
	}
	t.Fatal("no home in the rendezvous' environment")
	return ""
}
