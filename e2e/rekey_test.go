//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
)

// TestDeviceRekeyedIsExplained re-creates the device with a new key (its
// operator releases the name on the relay first) while @alice still pins
// the old one: her next session fails within a second, saying the key
// changed and which line of her known_identities to remove, and works
// once she has removed it.
func TestDeviceRekeyedIsExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	sshEcho(t, w) // pins the device's key
	old := w.daemonKey()

	w.daemon.Kill()
	if err := os.Remove(filepath.Join(w.devHome, "keys", device+".key")); err != nil {
		t.Fatal(err)
	}
	rm := run(t, command([]string{w.bin, "relay", "directory", "remove", device}, []string{identity.HomeEnv + "=" + w.relayDir}), runTimeout)
	mustSucceed(t, "release the device's name", rm)
	w.daemon = w.restartDaemon()
	if w.daemonKey().Equal(old) {
		t.Fatal("the device kept its key")
	}

	r := w.runClient(alice, "--ssh", w.sshWrapper(t, "true"))
	pins := identity.KnownFile(w.homes[alice])
	for _, want := range []string{"the key for " + device + " changed", "remove line", pins, w.daemonKey().Fingerprint()} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r)
		}
	}
	if r.code == 0 || r.took > 3*time.Second {
		t.Errorf("exit %d after %v: want a failure within a second or so of the set-up", r.code, r.took)
	}
	removePin(t, pins, device)
	sshEcho(t, w)
}

// removePin deletes the lines of subject from a known_identities file, as
// the person told to would.
func removePin(t *testing.T, path, subject string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(line, subject+" ") {
			keep = append(keep, line)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(keep, "")), 0o600); err != nil {
		t.Fatal(err)
	}
}
