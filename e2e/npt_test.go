//go:build linux

package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/proctest"
)

// nptReady is the line `nport tunnel` prints once it forwards.
var nptReady = regexp.MustCompile(`^nport tunnel ready: (\S+) → (@\S+)\((\S+)\) (\S+)/(tcp|udp)$`)

// nptWorld is a relay, a rendezvous and a daemon whose targets are echo
// servers of the test, TCP and UDP, on 127.0.0.1: no sshd is needed.
type nptWorld struct {
	*world
	rvHome   string
	rvListen string
	tcpEcho  int // port of the TCP echo server
	udpEcho  int // port of the UDP echo server
}

// newNptWorld starts the servers; the daemon's --permit-open is the TCP
// echo server, and the UDP one as udp/127.0.0.1:PORT.
func newNptWorld(t *testing.T) *nptWorld {
	t.Helper()
	w := &nptWorld{world: &world{t: t, bin: proctest.Binary(t), homes: map[string]string{}}}
	tcpEcho, _ := nettest.TCPEcho(t)
	w.tcpEcho, w.udpEcho = port(t, tcpEcho), port(t, nettest.UDPEcho(t))
	w.startRelay()
	w.rv, w.rvHome = w.server(append([]string{"rendezvous", "-a", rvName, "--listen", "127.0.0.1:0"}, w.relayArgs()...)...)
	w.rvListen = w.rv.WaitFor(rvReady, readyTimeout)[1]
	permits := fmt.Sprintf("localhost:%d,udp/127.0.0.1:%d", w.tcpEcho, w.udpEcho)
	w.daemon, w.devHome = w.server(append([]string{"daemon", "-a", device, "-m", alice, "--permit-open", permits}, w.relayArgs()...)...)
	w.daemon.WaitFor(daemonReady, readyTimeout)
	w.homes[alice] = t.TempDir()
	if _, err := (identity.Store{Dir: w.homes[alice]}).Create(alice); err != nil {
		t.Fatal(err)
	}
	return w
}

// restartRendezvous kills the rendezvous, as a crash would, and starts it
// again on the same address with the same home.
func (w *nptWorld) restartRendezvous() {
	w.rv.Kill()
	env := []string{identity.HomeEnv + "=" + w.rvHome, "NPORT_RELAY="}
	args := append([]string{"rendezvous", "-a", rvName, "--listen", w.rvListen}, w.relayArgs()...)
	w.rv = proctest.Start(w.t, w.bin, env, append(args, "--log-format", "json", "-v")...)
	if got := w.rv.WaitFor(rvReady, readyTimeout)[1]; got != w.rvListen {
		w.t.Fatalf("the restarted rendezvous listens on %s, want %s", got, w.rvListen)
	}
}

// nptArgs is `nport tunnel` as alice to the world's device, with args.
func (w *nptWorld) nptArgs(args ...string) []string {
	base := append([]string{"tunnel", "-f", alice, "-t", device, "-r", rvName}, w.relayArgs()...)
	return append(base, args...)
}

// startTunnel starts `nport tunnel` in the foreground and waits for its
// ready line; it returns the process and the local address.
func (w *nptWorld) startTunnel(args ...string) (*proctest.Proc, string) {
	w.t.Helper()
	p := proctest.Start(w.t, w.bin, w.clientEnv(alice), w.nptArgs(args...)...)
	m := p.WaitFor(nptReady, readyTimeout)
	if m[2] != device || m[3] != "default" {
		w.t.Errorf("the ready line names %s(%s), want %s(default)", m[2], m[3], device)
	}
	return p, m[1]
}

// TestTunnelCarriesConcurrentConnections sends 20 connections at once
// through one `nport tunnel` to a TCP echo server, each with its own
// random bytes, and checks every byte that comes back.
func TestTunnelCarriesConcurrentConnections(t *testing.T) {
	t.Parallel()
	w := newNptWorld(t)
	_, local := w.startTunnel("-p", strconv.Itoa(w.tcpEcho))
	const conns = 20
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		wg.Go(func() { errs <- echoThrough(local, 64<<10+i) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// echoThrough sends n random bytes through the TCP port at addr, ends its
// side, and checks that the echo brings the same bytes back.
func echoThrough(addr string, n int) error {
	c, err := net.DialTimeout("tcp", addr, runTimeout)
	if err != nil {
		return err
	}
	return nettest.Echo(c, n, runTimeout)
}

// port is the port of a host:port address on 127.0.0.1.
func port(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	if err != nil || n == 0 {
		t.Fatalf("bad address %q", addr)
	}
	return n
}

// TestTunnelUDPEcho carries datagrams of several sizes from several local
// sources through `nport tunnel --udp` to a UDP echo server: each source
// gets its own datagrams back, and only those.
func TestTunnelUDPEcho(t *testing.T) {
	t.Parallel()
	w := newNptWorld(t)
	_, local := w.startTunnel("--udp", "-h", "127.0.0.1", "-p", strconv.Itoa(w.udpEcho))
	sizes := []int{0, 1, 512, 1400, 30000}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for src := range 3 {
		wg.Go(func() { errs <- udpEchoThrough(local, src, sizes) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// udpEchoThrough sends one datagram of each size from a socket of its own
// to addr and waits for each to come back.
func udpEchoThrough(addr string, src int, sizes []int) error {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 65536)
	for i, size := range sizes {
		want := make([]byte, size)
		rand.Read(want)
		if size > 0 {
			want[0] = byte(src)
		}
		if _, err := c.Write(want); err != nil {
			return fmt.Errorf("source %d, datagram %d: %w", src, i, err)
		}
		c.SetReadDeadline(time.Now().Add(logTimeout))
		n, err := c.Read(buf)
		if err != nil {
			return fmt.Errorf("source %d, datagram %d of %d bytes: no echo: %w", src, i, size, err)
		}
		if !bytes.Equal(buf[:n], want) {
			return fmt.Errorf("source %d, datagram %d: got %d bytes back, not the %d sent", src, i, n, size)
		}
	}
	return nil
}

// TestTunnelKeepAliveAcrossRendezvousRestart kills the rendezvous under a
// `nport tunnel -K`, starts it again on the same address, and checks that
// a new connection to the same local port goes through: the tunnel was
// set up again while the port stayed open.
func TestTunnelKeepAliveAcrossRendezvousRestart(t *testing.T) {
	t.Parallel()
	w := newNptWorld(t)
	p, local := w.startTunnel("-K", "-p", strconv.Itoa(w.tcpEcho), "--log-format", "json")
	if err := echoThrough(local, 1000); err != nil {
		t.Fatal(err)
	}
	w.restartRendezvous()
	if err := echoThrough(local, 1000); err != nil {
		t.Fatalf("after the rendezvous restarted: %v\ntunnel output:\n%s", err, p.Output())
	}
	p.WaitFor(regexp.MustCompile(`"msg":"tunnel set up again"`), logTimeout)
}

// TestTunnelExitWhenConnected runs `npt -x`, by its link name, to its end:
// it prints the local port on stdout and, on stderr, the ready line and
// the log file of the background process, which serves the port and has
// written its log there.
func TestTunnelExitWhenConnected(t *testing.T) {
	t.Parallel()
	w := newNptWorld(t)
	home := w.homes[alice]
	t.Cleanup(func() { stopBackground(t, home) })
	link := filepath.Join(t.TempDir(), "npt")
	if err := os.Symlink(w.bin, link); err != nil {
		t.Fatal(err)
	}
	argv := append([]string{link}, w.nptArgs("-x", "-T", "2m", "-p", strconv.Itoa(w.tcpEcho))[1:]...)
	r := run(t, command(argv, w.clientEnv(alice)), runTimeout)
	mustSucceed(t, "npt -x", r)
	port, err := strconv.Atoi(strings.TrimSpace(r.stdout))
	if err != nil {
		t.Fatalf("npt -x printed %q on stdout, want the local port: %s", r.stdout, r)
	}
	if !strings.Contains(r.stderr, fmt.Sprintf("nport tunnel ready: 127.0.0.1:%d → %s(default) localhost:%d/tcp", port, device, w.tcpEcho)) {
		t.Errorf("stderr lacks the ready line: %s", r)
	}
	m := regexp.MustCompile(`serving in the background as process \d+; log: (\S+)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("stderr names no log file: %s", r)
	}
	if dir := filepath.Join(home, "logs"); filepath.Dir(m[1]) != dir {
		t.Errorf("the log is %s, want it in %s", m[1], dir)
	}
	info, err := os.Stat(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the log file's mode is %v, want 0600", info.Mode().Perm())
	}
	if len(backgroundPids(home)) != 1 {
		t.Errorf("got %d background tunnels, want 1", len(backgroundPids(home)))
	}
	if err := echoThrough(fmt.Sprintf("127.0.0.1:%d", port), 4096); err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "tunnel ready") {
		t.Errorf("the background log lacks the ready record:\n%s", log)
	}
}

// TestTunnelTargetOutsidePermitOpen asks for targets the daemon does not
// permit: a TCP port not listed, and a UDP port listed for TCP only. Each
// is refused at once with a message naming the target and permit-open,
// also with -K, which does not retry a refusal no retry can change.
func TestTunnelTargetOutsidePermitOpen(t *testing.T) {
	t.Parallel()
	w := newNptWorld(t)
	tests := []struct {
		name   string
		args   []string
		target string
	}{
		{"tcp", []string{"-p", "1"}, "localhost:1 is not among @alice's targets (--permit-open: "},
		{"udp listed for tcp only", []string{"--udp", "-p", strconv.Itoa(w.tcpEcho)}, fmt.Sprintf("udp/localhost:%d is not among @alice's targets (--permit-open: ", w.tcpEcho)},
		{"keep-alive", []string{"-K", "-p", "1"}, "localhost:1 is not among @alice's targets (--permit-open: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, command(append([]string{w.bin}, w.nptArgs(tt.args...)...), w.clientEnv(alice)), runTimeout)
			if r.code == 0 {
				t.Fatalf("got success for a target outside permit-open: %s", r)
			}
			for _, want := range []string{tt.target, "target-refused"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q: %s", want, r)
				}
			}
			if strings.Contains(r.stdout, "ready") {
				t.Errorf("a refused tunnel said it was ready: %s", r)
			}
		})
	}
}
