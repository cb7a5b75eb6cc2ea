package pairing

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/nport/nport/wire"
)

func TestPairAndBridge(t *testing.T) {
	tests := []struct {
		name         string
		daemonFirst  bool
		snoop        bool
		wantInLog    []string
		wantNotInLog []string
	}{
		{name: "client first", wantNotInLog: []string{"snoop"}},
		{name: "daemon first", daemonFirst: true},
		{name: "snoop", snoop: true, wantInLog: []string{
			"msg=snoop", "spliced=false",
			"client_to_daemon_head=" + hex.EncodeToString([]byte("ping from client")),
			"daemon_to_client_head=" + hex.EncodeToString([]byte("pong from daemon")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startServer(t, Config{Snoop: tt.snoop})
			id, g := f.open("@alice")
			var client, daemon = f.dial(t), f.dial(t)
			first, second := client, daemon
			firstTok, secondTok := g.Client, g.Daemon
			if tt.daemonFirst {
				first, second, firstTok, secondTok = daemon, client, g.Daemon, g.Client
			}
			if _, err := first.Write(helloFrame(id, firstTok)); err != nil {
				t.Fatal(err)
			}
			eventually(t, "waiting party", func() bool { return f.srv.state(id) == stateWaiting })
			if _, err := second.Write(helloFrame(id, secondTok)); err != nil {
				t.Fatal(err)
			}
			if got := readPaired(t, client); got != wire.RoleClient {
				t.Errorf("client got role %v, want client", got)
			}
			if got := readPaired(t, daemon); got != wire.RoleDaemon {
				t.Errorf("daemon got role %v, want daemon", got)
			}
			if got := f.srv.Live(); got != 1 {
				t.Errorf("got %d live sessions, want 1", got)
			}
			exchange(t, client, daemon, "ping from client")
			exchange(t, daemon, client, "pong from daemon")

			// Half-close: the client is done sending; the daemon still
			// answers, then ends its side too.
			if err := client.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			expectEOF(t, daemon)
			exchange(t, daemon, client, "after the client's EOF")
			if err := daemon.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			expectEOF(t, client)

			eventually(t, "session end", func() bool { return f.srv.Len() == 0 })
			f.stop()
			log := f.log.String()
			for _, want := range append(tt.wantInLog, "session paired", "session ended") {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			for _, not := range tt.wantNotInLog {
				if strings.Contains(log, not) {
					t.Errorf("log has %q, want none:\n%s", not, log)
				}
			}
		})
	}
}

// TestSplice checks that a session between two TCP sockets is left to
// the kernel's splice path, where the platform has one.
func TestSplice(t *testing.T) {
	f := startServer(t, Config{})
	id, g := f.open("@alice")
	client := f.join(t, id, g.Client)
	daemon := f.join(t, id, g.Daemon)
	readPaired(t, client)
	readPaired(t, daemon)
	exchange(t, client, daemon, "x")
	client.Close()
	daemon.Close()
	eventually(t, "session end", func() bool { return f.srv.Len() == 0 })
	f.stop()
	want := "spliced=" + map[bool]string{true: "true", false: "false"}[spliceOS]
	if log := f.log.String(); !strings.Contains(log, want) {
		t.Errorf("log lacks %q:\n%s", want, log)
	}
}

// TestManySessions pairs sessions concurrently, each with its own data,
// so that crossed wires or races would show.
func TestManySessions(t *testing.T) {
	const n = 32
	f := startServer(t, Config{MaxSessionsPerIdentity: n})
	t.Run("group", func(t *testing.T) {
		for i := range n {
			id, g := f.open("@alice")
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				c, d := f.join(t, id, g.Daemon), f.join(t, id, g.Client)
				if readPaired(t, c) != wire.RoleDaemon || readPaired(t, d) != wire.RoleClient {
					t.Errorf("got the roles crossed")
				}
				msg := fmt.Sprintf("session %d", i)
				exchange(t, c, d, msg+" daemon to client")
				exchange(t, d, c, msg+" client to daemon")
			})
		}
	})
	eventually(t, "every session's end", func() bool { return f.srv.Len() == 0 })
}
