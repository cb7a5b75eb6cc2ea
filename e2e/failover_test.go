//go:build linux

package e2e

import (
	"strings"
	"testing"
)

// TestRendezvousFailover names several rendezvous with -r (or NoPorts'
// -h): the first that answers wins. One that has gone offline, and a name
// that no rendezvous ever claimed, are passed over for the next; with
// none left the error says which is offline rather than waiting out the
// timeout (60 s here, longer than the run is given).
func TestRendezvousFailover(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	gone, _ := w.server(append([]string{"rendezvous", "-a", "@rv_gone", "--listen", "127.0.0.1:0"}, w.relayArgs()...)...)
	gone.WaitFor(rvReady, readyTimeout)
	gone.Stop()
	ssh := w.sshOptionsWrapper(t)
	word := "nport-ok-" + token()
	for _, flag := range []string{"-r", "-h", "--srvd"} {
		t.Run(flag, func(t *testing.T) {
			argv := w.clientArgs(alice, "--timeout", "60s", "--ssh", ssh, "--", "echo", word)
			for i := range argv {
				if argv[i] == "-r" {
					argv[i], argv[i+1] = flag, "@rv_gone,@rv_never,"+rvName
					break
				}
			}
			r := run(t, command(argv, w.clientEnv(alice)), runTimeout)
			mustSucceed(t, "ssh through the third rendezvous", r)
			if got := strings.TrimSpace(r.stdout); got != word {
				t.Errorf("got %q, want %q", got, word)
			}
			for _, passed := range []string{"@rv_gone", "@rv_never"} {
				if !strings.Contains(r.stderr, `"msg":"rendezvous did not answer: asking the next","rendezvous":"`+passed+`"`) {
					t.Errorf("the client did not say it passed %s over:\n%s", passed, r.stderr)
				}
			}
		})
	}
	t.Run("none left", func(t *testing.T) {
		r := w.runClient(alice, "-r", "@rv_gone", "--timeout", "60s", "--ssh", ssh, "--", "true")
		// The flag given last wins: the world's own -r comes first.
		if r.code == 0 || !strings.Contains(r.stderr, "@rv_gone is offline") {
			t.Errorf("got %s, want the rendezvous named as offline", r)
		}
	})
}
