//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// smallDevice is an architecture nport's daemon is built for, run here by
// qemu-user: the binary as the emulator's argument, no binfmt needed.
type smallDevice struct {
	name     string
	target   proctest.Target
	emulator string // from Debian's qemu-user-static
}

var smallDevices = []smallDevice{
	{"mipsle", proctest.Target{GOOS: "linux", GOARCH: "mipsle", Env: []string{"GOMIPS=softfloat"}}, "qemu-mipsel-static"},
	{"arm", proctest.Target{GOOS: "linux", GOARCH: "arm", Env: []string{"GOARM=5"}}, "qemu-arm-static"},
}

// emulatedCopySize is the file copied each way through an emulated daemon:
// a few MiB, many records and flow-control windows, yet quick under
// emulation.
const emulatedCopySize = 4 << 20

// TestDaemonOnSmallDevices runs the daemon built for each small-device
// architecture under qemu-user, with the relay, the rendezvous, the client
// and ssh native, and carries an ssh command and an scp round trip
// through it: 32-bit atomics, alignment and endianness all on the path.
func TestDaemonOnSmallDevices(t *testing.T) {
	t.Parallel()
	sshdtest.Require(t)
	for _, dev := range smallDevices {
		t.Run(dev.name, func(t *testing.T) {
			t.Parallel()
			w := newEmulatedWorld(t, dev, requireEmulator(t, dev.emulator))
			logMemory(t, w.daemon, "ready")
			start := time.Now()
			port := w.openTunnel()
			t.Logf("tunnel ready %v after the client's start", time.Since(start).Round(time.Millisecond))
			want := "nport-ok-" + token()
			r := run(t, command(w.sshArgs(port, "echo "+want), nil), runTimeout)
			mustSucceed(t, "ssh through the emulated daemon", r)
			if got := strings.TrimSpace(r.stdout); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
			start = time.Now()
			scpRoundTrip(t, w, port, emulatedCopySize)
			t.Logf("scp of %d MiB up and back in %v", emulatedCopySize>>20, time.Since(start).Round(time.Millisecond))
			logMemory(t, w.daemon, "after the copy")
		})
	}
}

// requireEmulator returns the path of the qemu-user program name. It
// skips the test when the program is missing, or fails it when the
// environment variable CI is set, since CI installs it.
func requireEmulator(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found; CI must install qemu-user-static (.ci/run)", name)
	}
	t.Skipf("%s not installed: apt-get install qemu-user-static", name)
	return ""
}

// newEmulatedWorld is a world whose daemon is nport built for dev and run
// by emulator; its relay, rendezvous and clients run natively.
func newEmulatedWorld(t *testing.T, dev smallDevice, emulator string) *world {
	t.Helper()
	w := &world{t: t, bin: proctest.Binary(t), sshd: sshdtest.Start(t), homes: map[string]string{}}
	w.startRelay()
	w.startRendezvous(nil)
	onDevice := *w
	onDevice.bin = emulatorWrapper(t, emulator, proctest.CrossBinary(t, dev.target))
	start := time.Now()
	onDevice.startDaemon(false)
	t.Logf("%s daemon under %s: ready %v after its start", dev.target, filepath.Base(emulator), time.Since(start).Round(time.Millisecond))
	w.daemon, w.devHome = onDevice.daemon, onDevice.devHome
	w.homes[alice] = t.TempDir()
	if _, err := (identity.Store{Dir: w.homes[alice]}).Create(alice); err != nil {
		t.Fatal(err)
	}
	return w
}

// emulatorWrapper writes a program that execs emulator with bin and the
// arguments it is given, so that the world starts the emulated daemon as
// it starts its own binary, and the process it watches is the emulator.
func emulatorWrapper(t *testing.T, emulator, bin string) string {
	path := filepath.Join(t.TempDir(), "nport")
	script := "#!/bin/sh\nexec " + shellJoin([]string{emulator, bin}) + ` "$@"` + "\n"
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// logMemory logs the emulated daemon's resident memory: the emulator's,
// its translated code included, so not the device's.
func logMemory(t *testing.T, p *proctest.Proc, when string) {
	rss, err := p.RSS()
	if err != nil {
		t.Fatal(err)
	}
	peak, err := p.PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("emulator RSS %s: %.1f MiB (peak %.1f MiB)", when, float64(rss)/(1<<20), float64(peak)/(1<<20))
}
