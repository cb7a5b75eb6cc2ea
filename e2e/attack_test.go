//go:build linux

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/wire"
)

// Bounds on the servers' resources during the attack. A server spends at
// most one descriptor on each socket an attacker holds; fdSlack covers
// everything else at once: the listener and its poller, the log pipes, the
// relay links of the rendezvous, the daemon and five honest clients, six
// descriptors per live session at the rendezvous (two sockets, two splice
// pipes), twenty senders, the claim and garbage workers' sockets (twelve
// at a time), and sockets refused but not yet closed, which linger up to a
// second to drain (a second of the garbage worker's pace, a few hundred on
// a loaded machine). The total is bounded by the attack's held sockets,
// not by the many thousands of sockets it opens in all.
const fdSlack = 600

// daemonFDs bounds the daemon's descriptors: no attacker reaches it but
// through the relay, and it holds its relay link, a rendezvous and a
// target socket per live session (five at once), and its few files.
const daemonFDs = 64

// Memory bounds, resident. The relay holds each unauthenticated socket
// with a goroutine and a 256-byte buffer (about 10 KiB with its stack),
// so 2,100 sockets cost some 20 MiB; each live connection's send queue
// holds at most 256 frames of the flood's envelopes (1 KiB), some 6 MiB
// for the daemon and twenty senders together; the directory the claim
// flood grows is a few hundred KiB. The rendezvous holds a goroutine and
// a 53-byte buffer per socket. The daemon holds its sessions. A server
// that keeps what it is sent (a queue without a bound, a buffer per byte
// of a slow hello) grows past these within the attack.
const (
	relayRSS      = 128 << 20
	rendezvousRSS = 96 << 20
	daemonRSS     = 64 << 20
)

// selfFDSlack is how many more descriptors the test process may hold
// after the attack than before it: the attackers close every socket.
const selfFDSlack = 8

// TestHonestSessionsUnderAttack runs every attacker at once against the
// relay and the rendezvous (idle sockets, slow hellos, garbage, a claim
// flood, a send flood at the device) while twenty honest ssh sessions go
// through, and checks that the honest sessions all work, that the daemon
// never loses its relay link, that the servers' descriptors and memory
// stay bounded, that the hostile traffic is refused, and that no server
// crashes. Set E2E_LOG_DIR to keep the servers' logs.
func TestHonestSessionsUnderAttack(t *testing.T) {
	nettest.NoLeaks(t)
	w := newWorld(t, options{})
	defer keepLogs(t, w)
	sc := fullAttack
	out := sc.run(t, w)
	out.log(t)

	t.Run("honest sessions work", func(t *testing.T) { checkHonest(t, out.honest) })
	t.Run("honest sessions ran during the attack", func(t *testing.T) {
		for i, h := range out.honest {
			if h.ended.After(out.end) {
				t.Errorf("honest session %d ended %v after the attack: it proves nothing", i, h.ended.Sub(out.end).Round(time.Millisecond))
			}
		}
	})
	t.Run("daemon keeps its relay link", func(t *testing.T) { checkDaemonLink(t, w) })
	t.Run("resources stay bounded", func(t *testing.T) {
		checkUsage(t, "relay", out.peaks["relay"], sc.idle+sc.slow+fdSlack, relayRSS)
		checkUsage(t, "rendezvous", out.peaks["rendezvous"], sc.idle+sc.slow+fdSlack, rendezvousRSS)
		checkUsage(t, "daemon", out.peaks["daemon"], daemonFDs, daemonRSS)
	})
	t.Run("hostile traffic refused", func(t *testing.T) { checkRefused(t, out) })
	t.Run("attackers close their sockets", func(t *testing.T) {
		if out.fdsAfter > out.fdsBefore+selfFDSlack {
			t.Errorf("the test process holds %d descriptors after the attack, %d before: the attackers left sockets open", out.fdsAfter, out.fdsBefore)
		}
	})
	t.Run("no server crashed", func(t *testing.T) {
		for name, p := range map[string]*proctest.Proc{"daemon": w.daemon, "rendezvous": w.rv, "relay": w.relayP} {
			checkAliveAndStops(t, name, p)
		}
	})
}

// logDirEnv names a directory to keep the servers' whole logs in, for
// reading a failure: the test shows only the first line of each problem.
const logDirEnv = "E2E_LOG_DIR"

// keepLogs writes each server's output to $E2E_LOG_DIR, if set.
func keepLogs(t *testing.T, w *world) {
	dir := os.Getenv(logDirEnv)
	if dir == "" {
		return
	}
	for name, p := range map[string]*proctest.Proc{"relay": w.relayP, "rendezvous": w.rv, "daemon": w.daemon} {
		path := filepath.Join(dir, t.Name()+"-"+name+".log")
		if err := os.WriteFile(path, []byte(p.Output()), 0o644); err != nil {
			t.Errorf("keep the %s's log: %v", name, err)
		}
	}
	t.Logf("the servers' logs are in %s", dir)
}

// log shows what the attack did and what the servers made of it.
func (o outcome) log(t *testing.T) {
	t.Logf("the attack was at full strength %v after it started", o.rampUp.Round(time.Millisecond))
	for name, c := range o.counters {
		t.Logf("%-20s %s", name, c)
	}
	for name, u := range o.peaks {
		t.Logf("%-20s %s", name, u)
	}
	t.Logf("%s", statsOf(o.honest))
}

func checkHonest(t *testing.T, runs []honestRun) {
	failed := 0
	for i, h := range runs {
		if h.ok() {
			continue
		}
		if failed++; failed == 1 {
			t.Errorf("honest session %d failed: %s", i, h)
		} else {
			t.Errorf("honest session %d failed: exit %d: %s", i, h.res.code, lastError(h))
		}
	}
}

// lastError is the line of a failed run that says why: the client's last
// error line, or the run's own error.
func lastError(h honestRun) string {
	if h.err != nil {
		return h.err.Error()
	}
	lines := strings.Split(strings.TrimSpace(h.res.stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; !strings.HasPrefix(l, "{") || strings.Contains(l, `"level":"ERROR"`) {
			return l
		}
	}
	return "(no error line)"
}

// checkDaemonLink fails unless the daemon connected to the relay once and
// never lost that link, as both sides log it. The connections are counted
// as well as the losses, so that a log message renamed fails the check
// rather than empties it.
func checkDaemonLink(t *testing.T, w *world) {
	dev := map[string]string{"identity": device}
	for _, c := range []struct {
		who   string
		p     *proctest.Proc
		msg   string
		attrs map[string]string
		want  int
	}{
		{"daemon", w.daemon, "connected to the relay", nil, 1},
		{"daemon", w.daemon, "lost the relay connection", nil, 0},
		{"relay", w.relayP, "identity connected", dev, 1},
		{"relay", w.relayP, "identity disconnected", dev, 0},
	} {
		lines := logged(c.p, c.msg, c.attrs)
		if len(lines) == c.want {
			continue
		}
		first := ""
		if len(lines) > 0 {
			first = "; the first:\n" + lines[0]
		}
		t.Errorf("the %s logged %q %d times, want %d%s", c.who, c.msg, len(lines), c.want, first)
	}
}

// logged returns p's JSON log lines with message msg and every attribute
// of attrs.
func logged(p *proctest.Proc, msg string, attrs map[string]string) []string {
	var found []string
	for _, l := range strings.Split(p.Output(), "\n") {
		var rec map[string]any
		if !strings.Contains(l, msg) || json.Unmarshal([]byte(l), &rec) != nil || rec["msg"] != msg {
			continue
		}
		match := true
		for k, v := range attrs {
			match = match && rec[k] == v
		}
		if match {
			found = append(found, l)
		}
	}
	return found
}

func checkUsage(t *testing.T, name string, u usage, maxFDs int, maxRSS int64) {
	if u.err != nil {
		t.Errorf("%s: a sample failed (did it exit?): %v", name, u.err)
	}
	if u.samples == 0 {
		t.Errorf("%s: no sample of its descriptors and memory", name)
	}
	if u.fds > maxFDs {
		t.Errorf("%s held %d descriptors during the attack, want at most %d", name, u.fds, maxFDs)
	}
	if u.rss > maxRSS {
		t.Errorf("%s used %.1f MiB resident during the attack, want at most %d MiB", name, float64(u.rss)/(1<<20), maxRSS>>20)
	}
}

// checkRefused checks that the servers answered each kind of hostile
// traffic. The send flood is judged by the daemon's link instead: its
// frames are well-formed, and those under the relay's rate are carried.
func checkRefused(t *testing.T, o outcome) {
	claims := o.counters["claim flood"]
	if claims.Refused[wire.RefuseRate] == 0 {
		t.Errorf("the relay welcomed %d of %d fresh claims from one address and refused none with code rate: %s", claims.Accepted, claims.Attempts, claims)
	}
	if claims.Accepted >= claims.RefusedAll() {
		t.Errorf("the relay welcomed more claims of the flood than it refused: %s", claims)
	}
	for _, port := range []string{"relay", "rendezvous"} {
		g := o.counters["garbage "+port]
		if g.Unanswered > 0 {
			t.Errorf("the %s left %d garbage sockets open past the wait: %s", port, g.Unanswered, g)
		}
		if g.Refused[wire.RefuseMalformed] == 0 {
			t.Errorf("the %s refused no garbage with code malformed: %s", port, g)
		}
		for _, kind := range []string{"idle ", "slowloris "} {
			if c := o.counters[kind+port]; c.RefusedAll()+c.Closed == 0 {
				t.Errorf("the %s never cut a socket of the %sattack: %s", port, kind, c)
			}
		}
	}
}

// checkAliveAndStops checks that p still runs, has printed no panic, and
// exits 0 when told to stop.
func checkAliveAndStops(t *testing.T, name string, p *proctest.Proc) {
	if exited, code := p.Exited(); exited {
		t.Errorf("the %s exited with code %d during the attack; its output ends:\n%s", name, code, clip(p.Output()))
		return
	}
	for _, crash := range []string{"panic:", "fatal error:"} {
		if out := p.Output(); strings.Contains(out, crash) {
			t.Errorf("the %s printed %q:\n%s", name, crash, clip(out[strings.Index(out, crash):]))
		}
	}
	p.Stop()
	if _, code := p.Exited(); code != 0 {
		t.Errorf("the %s exited with code %d when stopped after the attack; its output ends:\n%s", name, code, clip(p.Output()))
	}
}
