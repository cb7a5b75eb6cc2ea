//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// clientReady is the line `client --forward` prints once it serves.
var clientReady = regexp.MustCompile(`^nport client ready: listen=(\S+) `)

// TestPolicyReload runs the daemon with a policy in its config file: @alice
// may open one target and is refused the other, by a message that names
// the rule. The file is then changed and the daemon sent SIGHUP while a
// connection through @alice's tunnel is open: that connection keeps
// working, the daemon keeps its relay connection, and the next requests
// get the new rules, @mallory's admission included. A broken file sent
// the same way changes nothing.
func TestPolicyReload(t *testing.T) {
	t.Parallel()
	web, _ := nettest.TCPEcho(t)
	admin, _ := nettest.TCPEcho(t)
	file := tempFile(t, "config.toml")
	writeConfig(t, file, "[[daemon.policy]]\nmanagers = [%q]\npermit-open = [%q]\n", alice, web)
	w := newWorld(t, options{daemonArgs: []string{"--config", file}})

	live := w.forward(t, alice, web)
	echoLine(t, live, "before the reload")
	w.mustRefuse(alice, admin, fmt.Sprintf("%s is not among %s's targets (policy rule 1 in %s: %s)", admin, alice, file, web))

	writeConfig(t, file, "[[daemon.policy]]\nmanagers = [%q]\npermit-open = [%q]\n[[daemon.policy]]\nmanagers = [%q]\npermit-open = [%q]\n",
		alice, admin, mallory, web)
	w.hangUp()
	w.daemon.WaitFor(regexp.MustCompile(`"msg":"reloaded the policy".*"@alice targets `+regexp.QuoteMeta(admin)+`, were `+regexp.QuoteMeta(web)+`".*"@mallory added`), logTimeout)

	echoLine(t, live, "after the reload")
	w.mustRefuse(alice, web, fmt.Sprintf("%s is not among %s's targets (policy rule 1 in %s: %s)", web, alice, file, admin))
	w.mustEcho(alice, admin)
	w.mustEcho(mallory, web)

	writeConfig(t, file, "[[daemon.policy]]\nmanagers = [%q]\npermit-open = [\"localhost\"]\n", alice)
	w.hangUp()
	w.daemon.WaitFor(regexp.MustCompile(`"level":"WARN","msg":"config not reloaded, the policy in force stays".*policy rule 1 in .*permit-open entry \\"localhost\\"`), logTimeout)
	w.mustEcho(mallory, web)
	echoLine(t, live, "after the broken reload")

	if n := strings.Count(w.daemon.Output(), `"msg":"connected to the relay"`); n != 1 {
		t.Errorf("the daemon connected to the relay %d times, want once:\n%s", n, w.daemon.Output())
	}
}

// TestSSHKeyOptionsFromFlag gives the daemon -S: the key a manager sends
// is installed with those options, and sshd applies them (the forced
// command runs instead of the one asked for).
func TestSSHKeyOptionsFromFlag(t *testing.T) {
	t.Parallel()
	const options = `from="127.0.0.1,::1",restrict,command="echo forced-by-the-daemon"`
	w := newWorld(t, optionsWithKeys("-S", options))
	key := sshdtest.NewKey(t)
	r := w.runClient(alice, "-s", key+".pub", "--ssh", w.sshWrapperWithKey(t, key, "echo not-this"))
	mustSucceed(t, "ssh with the key sent", r)
	if got := strings.TrimSpace(r.stdout); got != "forced-by-the-daemon" {
		t.Errorf("got %q, want the forced command's output", got)
	}
	pub, _ := os.ReadFile(key + ".pub")
	authorized, _ := os.ReadFile(w.sshd.AuthorizedKeys)
	fields := strings.Fields(string(pub))
	line := options + " " + fields[0] + " " + fields[1] + " nport:" + alice + "\n"
	if !strings.Contains(string(authorized), line) {
		t.Errorf("authorized_keys lacks the line %q:\n%s", line, authorized)
	}
}

func optionsWithKeys(daemonArgs ...string) options {
	return options{installKeys: true, daemonArgs: daemonArgs}
}

// writeConfig writes the daemon's config file.
func writeConfig(t *testing.T, path, format string, args ...any) {
	t.Helper()
	if err := os.WriteFile(path, fmt.Appendf(nil, format, args...), 0o600); err != nil {
		t.Fatal(err)
	}
}

// hangUp sends the daemon SIGHUP: read the config again.
func (w *world) hangUp() {
	if err := w.daemon.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		w.t.Fatalf("SIGHUP the daemon: %v", err)
	}
}

// targetArgs are the client's flags for a host:port target.
func targetArgs(t testing.TB, target string) []string {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		t.Fatal(err)
	}
	return []string{"--remote-host", host, "-p", port}
}

// forward runs `client --forward` as who to target and returns one
// connection through its local port, open until the test ends.
func (w *world) forward(t *testing.T, who, target string) net.Conn {
	t.Helper()
	argv := w.clientArgs(who, append([]string{"--forward", "--local-port", "0"}, targetArgs(t, target)...)...)
	p := proctest.Start(t, argv[0], w.clientEnv(who), argv[1:]...)
	addr := p.WaitFor(clientReady, readyTimeout)[1]
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// echoLine sends a line through c and checks that it comes back.
func echoLine(t *testing.T, c net.Conn, line string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(runTimeout))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		t.Fatalf("write %q through the tunnel: %v", line, err)
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || got != line+"\n" {
		t.Fatalf("got %q, %v back through the tunnel, want %q", got, err, line)
	}
}

// mustEcho sends a word as who to the echo server at target, through a
// new session on the client's stdin and stdout.
func (w *world) mustEcho(who, target string) {
	w.t.Helper()
	word := token()
	cmd := command(w.clientArgs(who, append([]string{"--stdio"}, targetArgs(w.t, target)...)...), w.clientEnv(who))
	cmd.Stdin = strings.NewReader(word + "\n")
	r := run(w.t, cmd, runTimeout)
	mustSucceed(w.t, fmt.Sprintf("%s to %s", who, target), r)
	if r.stdout != word+"\n" {
		w.t.Errorf("%s to %s: got %q back, want %q", who, target, r.stdout, word)
	}
}

// mustRefuse asks as who for target and checks that the daemon refuses
// with message.
func (w *world) mustRefuse(who, target, message string) {
	w.t.Helper()
	r := w.runClient(who, append([]string{"--stdio"}, targetArgs(w.t, target)...)...)
	if r.code == 0 {
		w.t.Fatalf("%s got %s: %s", who, target, r)
	}
	for _, want := range []string{"target-refused", message} {
		if !strings.Contains(r.stderr, want) {
			w.t.Errorf("stderr lacks %q: %s", want, r)
		}
	}
}
