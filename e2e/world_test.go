//go:build linux

package e2e

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// The identities of a world.
const (
	alice   = "@alice"   // the person, the daemon's manager
	mallory = "@mallory" // someone else on the same relay
	device  = "@dev"     // the device's daemon
	rvName  = "@rv"      // the rendezvous
)

// world is one deployment for one test: a relay, a rendezvous and a daemon,
// each a process of the nport binary with its own NPORT_HOME, and the
// device's sshd.
type world struct {
	t        testing.TB
	bin      string
	sshd     *sshdtest.Server
	relay    string // the relay's address
	relayKey string // its key, pinned up front by everyone
	relayP   *proctest.Proc
	relayDir string // the relay's NPORT_HOME
	rv       *proctest.Proc
	rvAddr   string // the address its grants give
	rvKey    identity.PublicKey
	daemon   *proctest.Proc
	devHome  string
	devArgs  []string          // the daemon's flags beyond the world's own
	homes    map[string]string // client identity → its NPORT_HOME
}

// options change a world's servers.
type options struct {
	rvArgs []string // more flags for the rendezvous
	// installKeys lets the daemon add managers' ssh keys to the sshd's
	// authorized_keys (--sshpublickey).
	installKeys bool
	daemonArgs  []string // more flags for the daemon
	relayArgs   []string // more flags for the relay
}

// newWorld starts a world and waits until each server says it is ready.
func newWorld(t testing.TB, opts options) *world {
	t.Helper()
	w := &world{t: t, bin: proctest.Binary(t), sshd: sshdtest.Start(t), homes: map[string]string{}, devArgs: opts.daemonArgs}
	w.startRelay(opts.relayArgs...)
	w.startRendezvous(opts.rvArgs)
	w.startDaemon(opts.installKeys)
	for _, who := range []string{alice, mallory} {
		w.homes[who] = t.TempDir()
		if _, err := (identity.Store{Dir: w.homes[who]}).Create(identity.Name(who)); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// server starts one server with its own home and the log format the
// tests read.
func (w *world) server(args ...string) (*proctest.Proc, string) {
	home := w.t.TempDir()
	// A daemon's session keepers outlive it; they go before its home,
	// once the daemon has stopped.
	w.t.Cleanup(func() { stopKeepers(w.t, home) })
	env := []string{identity.HomeEnv + "=" + home, "NPORT_RELAY="}
	args = append(args, "--log-format", "json", "-v")
	return proctest.Start(w.t, w.bin, env, args...), home
}

func (w *world) startRelay(extra ...string) {
	w.relayP, w.relayDir = w.server(append([]string{"relay", "--listen", "127.0.0.1:0"}, extra...)...)
	m := w.relayP.WaitFor(relayReady, readyTimeout)
	w.relay, w.relayKey = m[1], m[2]
}

func (w *world) relayArgs() []string {
	return []string{"--relay", w.relay, "--relay-key", w.relayKey}
}

func (w *world) startRendezvous(extra []string) {
	args := append([]string{"rendezvous", "-a", rvName, "--listen", "127.0.0.1:0"}, w.relayArgs()...)
	w.rv, _ = w.server(append(args, extra...)...)
	m := w.rv.WaitFor(rvReady, readyTimeout)
	w.rvAddr = m[2]
	var err error
	if w.rvKey, err = identity.ParsePublicKey(m[4]); err != nil {
		w.t.Fatalf("rendezvous key %q: %v", m[4], err)
	}
}

func (w *world) startDaemon(installKeys bool) {
	args := append([]string{"daemon", "-a", device, "-m", alice, "--local-sshd-port", strconv.Itoa(w.sshd.Port)}, w.relayArgs()...)
	if installKeys {
		args = append(args, "--sshpublickey", "--authorized-keys", w.sshd.AuthorizedKeys)
	}
	w.daemon, w.devHome = w.server(append(args, w.devArgs...)...)
	if m := w.daemon.WaitFor(daemonReady, readyTimeout); m[1] != device {
		w.t.Fatalf("got daemon identity %s, want %s", m[1], device)
	}
}

// daemonKey is the device's public key, from its key file.
func (w *world) daemonKey() identity.PublicKey {
	id, err := identity.Store{Dir: w.devHome}.Load(device)
	if err != nil {
		w.t.Fatalf("load the daemon's key: %v", err)
	}
	return id.Public()
}

// identity loads a client identity of the world, with its private key.
func (w *world) identity(who string) identity.Identity {
	id, err := identity.Store{Dir: w.homes[who]}.Load(identity.Name(who))
	if err != nil {
		w.t.Fatalf("load %s: %v", who, err)
	}
	return id
}

// clientArgs is `nport client` as who, to the world's device, with args,
// logging everything as JSON.
func (w *world) clientArgs(who string, args ...string) []string {
	return w.plainClientArgs(who, append([]string{"--log-format", "json", "-v"}, args...)...)
}

// plainClientArgs is clientArgs with the default logging, as a person
// would run it.
func (w *world) plainClientArgs(who string, args ...string) []string {
	base := []string{w.bin, "client", "-f", who, "-t", device, "-r", rvName, "-u", w.sshd.User}
	base = append(base, w.relayArgs()...)
	return append(base, args...)
}

// clientEnv is the environment of a client run as who.
func (w *world) clientEnv(who string) []string {
	return []string{identity.HomeEnv + "=" + w.homes[who], "NPORT_RELAY="}
}

// runClient runs a client as who to its end.
func (w *world) runClient(who string, args ...string) result {
	w.t.Helper()
	argv := w.clientArgs(who, args...)
	return run(w.t, command(argv, w.clientEnv(who)), runTimeout)
}

// sshTarget is ssh's destination through a local tunnel port.
func (w *world) sshTarget() string { return w.sshd.User + "@127.0.0.1" }

// sshArgs is an ssh command line through the tunnel on port, running cmd.
func (w *world) sshArgs(port int, cmd string) []string {
	args := append([]string{sshdtest.SSH}, w.sshd.SSHArgs()...)
	return append(args, "-p", strconv.Itoa(port), w.sshTarget(), cmd)
}

// scpArgs copies from to to through the tunnel on port; a remote path is
// written "remote:PATH".
func (w *world) scpArgs(port int, from, to string) []string {
	args := append([]string{sshdtest.SCP}, w.sshd.SSHArgs()...)
	return append(args, "-q", "-P", strconv.Itoa(port), remote(w, from), remote(w, to))
}

func remote(w *world, path string) string {
	if p, ok := strings.CutPrefix(path, "remote:"); ok {
		return fmt.Sprintf("%s:%s", w.sshTarget(), p)
	}
	return path
}

// tempFile is a path in a fresh directory of the test.
func tempFile(t *testing.T, name string) string {
	return filepath.Join(t.TempDir(), name)
}

// stop ends the world's servers, for a benchmark that starts several
// worlds before its cleanups run.
func (w *world) stop() {
	w.daemon.Stop()
	stopKeepers(w.t, w.devHome)
	w.rv.Stop()
	w.relayP.Stop()
	w.sshd.Stop()
}
