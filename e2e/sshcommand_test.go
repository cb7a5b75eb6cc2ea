//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nport/nport/core/sshdtest"
)

// sshOptionsWrapper writes a program that runs ssh with the options that
// reach the test's sshd, then the arguments the client gives it: the
// user and the command are the client's.
func (w *world) sshOptionsWrapper(t testing.TB) string {
	return w.sshWrapperWithKey(t, w.sshd.KeyFile, "")
}

// TestRemoteCommand runs a command on the device as ssh does: the words
// after the flags, with or without --, and the command's exit status
// comes back as the client's.
func TestRemoteCommand(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	ssh := w.sshOptionsWrapper(t)
	word := "nport-ok-" + token()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"after --", []string{"--", "echo", word}, 0, word},
		{"without --", []string{"echo", word}, 0, word},
		{"exit status", []string{"--", "echo", word, ";", "exit", "7"}, 7, word},
		{"an argument like a flag", []string{"--", "echo", "-n", word}, 0, word},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.runClient(alice, append([]string{"--ssh", ssh}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("got exit %d, want %d: %s", r.code, tt.wantCode, r)
			}
			if got := strings.TrimSpace(r.stdout); got != tt.wantOut {
				t.Errorf("got stdout %q, want %q", got, tt.wantOut)
			}
		})
	}
	t.Run("refused with -x", func(t *testing.T) {
		r := w.runClient(alice, "-x", "--", "uname")
		if r.code == 0 || !strings.Contains(r.stderr, "runs on the device only when the client runs ssh itself") {
			t.Errorf("got %s, want a refusal that explains where commands run", r)
		}
	})
}

// TestSendPrivateKeyRefused gives -s a private key: it is refused before
// anything is sent, and the device never hears of it.
func TestSendPrivateKeyRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{installKeys: true})
	key := sshdtest.NewKey(t)
	r := w.runClient(alice, "-s", key, "--ssh", w.sshOptionsWrapper(t))
	if r.code == 0 || !strings.Contains(r.stderr, "is a private key") {
		t.Fatalf("got %s, want a refusal of the private key", r)
	}
	private, _ := os.ReadFile(key)
	secret := strings.Split(strings.TrimSpace(string(private)), "\n")[1]
	if out := w.daemon.Output(); strings.Contains(out, "session ended") || strings.Contains(out, "ssh public key") || strings.Contains(out, secret) {
		t.Errorf("the daemon heard of the request:\n%s", w.daemon.Output())
	}
}

// TestSendPublicKeyUsesItsPrivateKey sends key.pub with -s and no -i: ssh
// is given the private key beside it, which the daemon's install lets in.
func TestSendPublicKeyUsesItsPrivateKey(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{installKeys: true})
	key := sshdtest.NewKey(t)
	logged := filepath.Join(t.TempDir(), "args")
	ssh := writeScript(t, "ssh", `echo "$@" > `+shellQuote(logged)+"; exec "+shellQuote(w.sshOptionsWrapper(t))+` "$@"`)
	want := "nport-ok-" + token()
	r := w.runClient(alice, "-s", key+".pub", "--ssh", ssh, "--", "echo", want)
	mustSucceed(t, "ssh with the key sent", r)
	if got := strings.TrimSpace(r.stdout); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	args, _ := os.ReadFile(logged)
	if !strings.Contains(string(args), "-i "+key+" ") {
		t.Errorf("ssh was run with %q, want -i %s", args, key)
	}
}
