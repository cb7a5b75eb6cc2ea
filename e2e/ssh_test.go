//go:build linux

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nport/nport/core/sshdtest"
)

// token is a random word that only a real round trip can bring back.
func token() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// TestSSHThroughPrintedCommand runs `client -x`, then ssh on the port it
// printed, with a command on the device.
func TestSSHThroughPrintedCommand(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	port := w.openTunnel()
	want := "nport-ok-" + token()
	r := run(t, command(w.sshArgs(port, "echo "+want), nil), runTimeout)
	mustSucceed(t, "ssh through the tunnel", r)
	if got := strings.TrimSpace(r.stdout); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSSHRunByClient is the default mode: the client runs ssh itself (a
// wrapper that adds the test's options and a remote command) and exits
// with ssh's status.
func TestSSHRunByClient(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	word := "nport-ok-" + token()
	tests := []struct {
		name     string
		remote   string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"output", "echo " + word, 0, word, ""},
		{"exit status", "echo " + word + "; exit 7", 7, word, ""},
		{"stderr only", "echo " + word + " >&2; exit 3", 3, "", word},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.runClient(alice, "--ssh", w.sshWrapper(t, tt.remote))
			if r.code != tt.wantCode {
				t.Fatalf("got exit %d, want %d: %s", r.code, tt.wantCode, r)
			}
			if got := strings.TrimSpace(r.stdout); got != tt.wantOut {
				t.Errorf("got stdout %q, want %q", got, tt.wantOut)
			}
			if !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("got stderr %q, want it to hold %q", r.stderr, tt.wantErr)
			}
		})
	}
}

// sshWrapper writes a program that runs ssh with the sshd's options, the
// arguments the client gives it, and remote as the command.
func (w *world) sshWrapper(t testing.TB, remote string) string {
	return w.sshWrapperWithKey(t, w.sshd.KeyFile, remote)
}

// sshWrapperWithKey is sshWrapper offering keyFile first; an empty
// remote leaves the command to the arguments.
func (w *world) sshWrapperWithKey(t testing.TB, keyFile, remote string) string {
	args := append([]string{"/usr/bin/env", sshdtest.SSH}, w.sshd.SSHArgsWithKey(keyFile)...)
	line := "exec " + shellJoin(args) + ` "$@"`
	if remote != "" {
		line += " " + shellQuote(remote)
	}
	return writeScript(t, "ssh", line)
}

// writeScript writes a shell script of one line named name, in a fresh
// directory, and returns its path.
func writeScript(t testing.TB, name, line string) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+line+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestProxyCommandStdio uses the client as ssh's ProxyCommand: the tunnel
// on stdin and stdout, to a host name only nport knows.
func TestProxyCommandStdio(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	want := "nport-ok-" + token()
	proxy := shellJoin(w.clientArgs(alice, "--stdio"))
	args := append([]string{sshdtest.SSH}, w.sshd.SSHArgs()...)
	args = append(args, "-o", "ProxyCommand="+proxy, w.sshd.User+"@device-alias", "echo "+want)
	r := run(t, command(args, w.clientEnv(alice)), runTimeout)
	mustSucceed(t, "ssh with ProxyCommand", r)
	if got := strings.TrimSpace(r.stdout); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// TestSSHKeyInstalledByDaemon sends a fresh ssh public key with the
// request (-s): the daemon, run with --sshpublickey, adds it to the sshd's
// authorized_keys, restricted and labelled, and the key then logs in.
func TestSSHKeyInstalledByDaemon(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{installKeys: true})
	key := sshdtest.NewKey(t)
	direct := append(append([]string{sshdtest.SSH}, w.sshd.SSHArgsWithKey(key)...), "-p", strconv.Itoa(w.sshd.Port), w.sshTarget(), "true")
	if r := run(t, command(direct, nil), runTimeout); r.code == 0 {
		t.Fatalf("the new key logged in before it was sent: %s", r)
	}
	want := "nport-ok-" + token()
	r := w.runClient(alice, "-s", key+".pub", "--ssh", w.sshWrapperWithKey(t, key, "echo "+want))
	mustSucceed(t, "ssh with the key sent", r)
	if got := strings.TrimSpace(r.stdout); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	pub, _ := os.ReadFile(key + ".pub")
	authorized, _ := os.ReadFile(w.sshd.AuthorizedKeys)
	fields := strings.Fields(string(pub))
	line := `from="127.0.0.1,::1",restrict,pty ` + fields[0] + " " + fields[1] + " nport:" + alice + "\n"
	if !strings.Contains(string(authorized), line) {
		t.Errorf("authorized_keys lacks the restricted line %q:\n%s", line, authorized)
	}
}
