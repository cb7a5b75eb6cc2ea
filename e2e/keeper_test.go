//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/applets/daemon/keeper"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/procfs"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// keeperSocketFlag is the flag a session keeper process is started with
// (applets/daemon/keepercmd.go).
const keeperSocketFlag = "--keeper-socket"

// keeperPids lists the session keepers of the daemon home: processes
// started with a socket in HOME/run.
func keeperPids(home string) []int {
	return pidsWhere("cmdline", func(cmdline string) bool {
		args := strings.Split(cmdline, "\x00")
		i := slices.Index(args, keeperSocketFlag)
		return i >= 0 && i+1 < len(args) && strings.HasPrefix(args[i+1], keeper.Dir(home)+"/")
	})
}

// stopKeepers ends the session keepers of the daemon home, for the
// cleanup of a test: once its daemons have stopped, they are children of
// this process (becomeSubreaper).
func stopKeepers(t testing.TB, home string) {
	endProcesses(t, "session keeper", keeperPids(home))
}

// keeperSockets lists the socket files in the daemon home's HOME/run.
func keeperSockets(home string) []string {
	socks, _ := filepath.Glob(filepath.Join(keeper.Dir(home), "*.sock"))
	return socks
}

// onlyKeeper returns the one session keeper of the daemon home.
func onlyKeeper(t *testing.T, home, when string) int {
	t.Helper()
	pids := keeperPids(home)
	if len(pids) != 1 {
		t.Fatalf("%s: got session keepers %v, want one", when, pids)
	}
	return pids[0]
}

// startDaemonFrom starts the device's daemon from the binary bin on its
// home, with the flags of startDaemon and more, and waits until it is
// ready.
func (w *world) startDaemonFrom(bin string, more ...string) *proctest.Proc {
	w.t.Helper()
	args := append([]string{"daemon", "-a", device, "-m", alice, "--local-sshd-port", strconv.Itoa(w.sshd.Port)}, w.relayArgs()...)
	env := []string{identity.HomeEnv + "=" + w.devHome, "NPORT_RELAY="}
	p := proctest.Start(w.t, bin, env, append(append(args, more...), "--log-format", "json", "-v")...)
	p.WaitFor(daemonReady, readyTimeout)
	return p
}

// replaceDaemon stops the device's daemon and its keepers, and starts it
// again with more flags.
func (w *world) replaceDaemon(more ...string) {
	w.t.Helper()
	w.daemon.Stop()
	stopKeepers(w.t, w.devHome)
	w.daemon = w.startDaemonFrom(w.bin, more...)
}

// scpInFlight starts an scp of size random bytes up to the device, slowed
// to about 12 MB/s so that it is still under way when the test acts, and
// waits until the first MiB has arrived. It returns the file's sha256, its
// path on the device, and where scp's result comes.
func scpInFlight(t *testing.T, w *world, port int, size int64) ([]byte, string, <-chan result) {
	t.Helper()
	local := tempFile(t, "sent.bin")
	want := writeRandom(t, local, size)
	onDevice := tempFile(t, "on-device.bin")
	args := append([]string{sshdtest.SCP}, w.sshd.SSHArgs()...)
	args = append(args, "-q", "-l", "100000", "-P", strconv.Itoa(port), local, remote(w, "remote:"+onDevice))
	done := make(chan result, 1)
	go func() {
		r, err := execute(command(args, nil), 2*runTimeout)
		if err != nil {
			r.stderr += err.Error()
		}
		done <- r
	}()
	deadline := time.Now().Add(runTimeout)
	for tick := time.NewTicker(10 * time.Millisecond); ; <-tick.C {
		if fi, err := os.Stat(onDevice); err == nil && fi.Size() >= 1<<20 {
			tick.Stop()
			return want, onDevice, done
		}
		select {
		case r := <-done:
			t.Fatalf("scp ended before the test acted: %s", r)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first MiB of the scp did not arrive within %v", runTimeout)
		}
	}
}

// awaitNoSession waits until the keeper on the daemon home reports no
// live session.
func awaitNoSession(t *testing.T, home string) {
	t.Helper()
	socks := keeperSockets(home)
	deadline := time.Now().Add(logTimeout)
	for tick := time.NewTicker(10 * time.Millisecond); ; <-tick.C {
		live := 0
		for _, s := range socks {
			st, err := keeper.Link{Path: s}.Hello(context.Background())
			if err == nil {
				live += st.Sessions
			}
		}
		if live == 0 {
			tick.Stop()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session keepers still hold %d sessions %v after they ended", live, logTimeout)
		}
	}
}

// awaitFDs waits until process pid holds at most want descriptors: the
// sockets of the sessions that ended are closed.
func awaitFDs(t *testing.T, pid, want int) {
	t.Helper()
	deadline := time.Now().Add(logTimeout)
	for tick := time.NewTicker(10 * time.Millisecond); ; <-tick.C {
		got, err := procfs.FDCount(pid)
		if err == nil && got <= want {
			tick.Stop()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d holds %d descriptors (%v) %v after its sessions ended, %d before they started", pid, got, err, logTimeout, want)
		}
	}
}

// TestSessionsSurviveDaemonRestart keeps an ssh session open and an scp
// of 64 MiB in flight through one tunnel while the daemon is stopped
// (SIGTERM), killed (kill -9) or replaced by a rebuilt binary: both go on
// to their end on their old keys and sockets, the file arrives whole, and
// the new daemon opens a new session with a client that waits 2 s at
// most. Once the sessions have ended and the daemon has stopped, no
// keeper process, socket file or descriptor of theirs is left.
func TestSessionsSurviveDaemonRestart(t *testing.T) {
	tests := []struct {
		name    string
		restart func(t *testing.T, w *world) *proctest.Proc
		// rebuilt: the new daemon is of another build, so a new keeper
		// takes new sessions and the old one drains.
		rebuilt bool
	}{
		{"SIGTERM", func(t *testing.T, w *world) *proctest.Proc {
			w.daemon.Stop()
			return w.startDaemonFrom(w.bin)
		}, false},
		{"kill -9", func(t *testing.T, w *world) *proctest.Proc {
			w.daemon.Kill()
			return w.startDaemonFrom(w.bin)
		}, false},
		{"rebuilt binary", func(t *testing.T, w *world) *proctest.Proc {
			rebuilt := proctest.VersionedBinary(t, "v0.0.0-rebuilt")
			w.daemon.Stop()
			return w.startDaemonFrom(rebuilt)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, options{})
			old := onlyKeeper(t, w.devHome, "after the daemon started")
			keeperFDs, err := procfs.FDCount(old)
			if err != nil {
				t.Fatal(err)
			}
			port := w.openTunnel()
			s := w.startSession(t, port)
			want, onDevice, scpDone := scpInFlight(t, w, port, 64<<20)

			w.daemon = tt.restart(t, w)
			fds, err := w.daemon.FDCount()
			if err != nil {
				t.Fatal(err)
			}
			if tt.rebuilt {
				w.daemon.WaitFor(regexp.MustCompile(`"msg":"told a session keeper of another build to drain.*"keeper":`+strconv.Itoa(old)+`,"sessions":1`), logTimeout)
			} else {
				w.daemon.WaitFor(regexp.MustCompile(`"msg":"attached to the session keeper".*"keeper":`+strconv.Itoa(old)+`,"sessions":1`), logTimeout)
			}
			sshEcho(t, w, "--timeout", "2s")
			if n := listedSessions(t, w); n < 1 {
				t.Errorf("the new daemon lists %d live sessions, want the one it found (at least 1)", n)
			}

			s.finish(t)
			r := <-scpDone
			mustSucceed(t, "scp across the restart", r)
			if got := fileHash(t, onDevice); !bytes.Equal(got, want) {
				t.Fatalf("the file on the device has sha256 %x, want %x", got, want)
			}
			checkKeepers(t, w, old, tt.rebuilt)

			stopBackground(t, w.homes[alice])
			awaitNoSession(t, w.devHome)
			if tt.rebuilt && !reap(old, logTimeout) {
				t.Errorf("the drained keeper %d still runs %v after its last session ended", old, logTimeout)
			}
			if !tt.rebuilt {
				awaitFDs(t, old, keeperFDs)
			}
			if after, _ := w.daemon.FDCount(); after > fds {
				t.Errorf("the daemon holds %d descriptors after the sessions ended, %d before they did", after, fds)
			}
			checkNothingLeft(t, w)
		})
	}
}

// checkKeepers checks which keepers run after the restart: the same one
// alone, or, after a rebuild, the old one draining and a new one of the
// new binary.
func checkKeepers(t *testing.T, w *world, old int, rebuilt bool) {
	t.Helper()
	pids := keeperPids(w.devHome)
	if !rebuilt {
		if !slices.Equal(pids, []int{old}) {
			t.Errorf("got session keepers %v after the restart, want the one from before, %d", pids, old)
		}
		return
	}
	if len(pids) != 2 || !slices.Contains(pids, old) {
		t.Fatalf("got session keepers %v after the rebuilt daemon started, want the draining %d and a new one", pids, old)
	}
	fresh := pids[0] + pids[1] - old
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(fresh) + "/exe")
	if daemonExe, _ := os.Readlink("/proc/" + strconv.Itoa(w.daemon.Cmd.Process.Pid) + "/exe"); exe != daemonExe {
		t.Errorf("the new session keeper runs %s, want the rebuilt daemon's %s", exe, daemonExe)
	}
}

// checkNothingLeft stops the daemon and checks that its keepers, with no
// session and no daemon, exit on their own and remove their sockets.
func checkNothingLeft(t *testing.T, w *world) {
	t.Helper()
	pids := keeperPids(w.devHome)
	w.daemon.Stop()
	for _, pid := range pids {
		if !reap(pid, keeper.DefaultLinger+logTimeout) {
			t.Errorf("session keeper %d still runs with no session and no daemon", pid)
		}
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("session keeper %d left a process behind", pid)
		}
	}
	if socks := keeperSockets(w.devHome); len(socks) > 0 {
		t.Errorf("the session keepers left their sockets: %v", socks)
	}
}

// TestDaemonWithoutKeeperServesSessions starts the daemon where no keeper
// can listen (HOME/run is a file): it says once, as a warning, that
// sessions will not survive a restart, and serves them itself.
func TestDaemonWithoutKeeperServesSessions(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	w.daemon.Stop()
	stopKeepers(t, w.devHome)
	if err := os.RemoveAll(keeper.Dir(w.devHome)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keeper.Dir(w.devHome), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w.daemon = w.startDaemonFrom(w.bin)
	w.daemon.WaitFor(regexp.MustCompile(`"level":"WARN","msg":"no session keeper: sessions are served in the daemon and will not survive its restart`), logTimeout)
	sshEcho(t, w)
	sshEcho(t, w)
	if pids := keeperPids(w.devHome); len(pids) > 0 {
		t.Errorf("got session keepers %v, want none", pids)
	}
	if n := strings.Count(w.daemon.Output(), `"msg":"no session keeper`); n != 1 {
		t.Errorf("the daemon warned %d times that it has no session keeper, want once", n)
	}
}

// TestSessionKeeperOff runs the daemon with --session-keeper off: it
// starts no keeper, and a session ends with the daemon, as the operator
// chose.
func TestSessionKeeperOff(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	w.replaceDaemon("--session-keeper", "off")
	port := w.openTunnel()
	s := w.startSession(t, port)
	if pids := keeperPids(w.devHome); len(pids) > 0 {
		t.Errorf("got session keepers %v with --session-keeper off, want none", pids)
	}
	w.daemon.Kill()
	select {
	case <-s.done:
	case <-time.After(runTimeout):
		t.Fatal("the ssh session outlived a daemon run with --session-keeper off")
	}
}

// TestKilledKeeperIsReplaced kills the session keeper as a crash would:
// the daemon says so, removes the socket it left, and the next session
// goes through a new keeper.
func TestKilledKeeperIsReplaced(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	old := onlyKeeper(t, w.devHome, "after the daemon started")
	syscall.Kill(old, syscall.SIGKILL)
	// The keeper is the daemon's child: the daemon reaps it.
	w.daemon.WaitFor(regexp.MustCompile(`"level":"WARN","msg":"the session keeper is gone.*"keeper":`+strconv.Itoa(old)), logTimeout)
	w.daemon.WaitFor(regexp.MustCompile(`"msg":"removed the socket of a session keeper that is gone"`), logTimeout)
	sshEcho(t, w)
	if fresh := onlyKeeper(t, w.devHome, "after a session"); fresh == old {
		t.Errorf("the session went through keeper %d, which was killed", old)
	}
	if socks := keeperSockets(w.devHome); len(socks) != 1 {
		t.Errorf("got sockets %v, want the new keeper's alone", socks)
	}
}

// listedSessions is the live session count the world's device gives
// in a listing (devices --json).
func listedSessions(t *testing.T, w *world) int {
	t.Helper()
	argv := append([]string{w.bin, "devices", "-f", alice, "-t", device, "--json"}, w.relayArgs()...)
	r := run(t, command(argv, w.clientEnv(alice)), runTimeout)
	mustSucceed(t, "devices --json", r)
	var got []struct {
		Sessions *int `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 || got[0].Sessions == nil {
		t.Fatalf("got %v from devices --json, want one device with a session count:\n%s", err, r)
	}
	return *got[0].Sessions
}
