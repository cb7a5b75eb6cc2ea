package relay

import (
	"bytes"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/wire"
)

// TestOperatorCommands runs list, remove and invite against a running
// relay (through its admin socket) and a stopped one (on its database).
func TestOperatorCommands(t *testing.T) {
	for _, running := range []bool{true, false} {
		name := map[bool]string{true: "relay running", false: "relay stopped"}[running]
		t.Run(name, func(t *testing.T) {
			r := startRelay(t, nil)
			alice := newID(t, "@alice")
			r.connect(t, alice).close()
			if !running {
				r.shutdown(t)
				if _, err := os.Stat(admin.SocketName(r.home)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("admin socket after the relay stopped: %v, want it removed", err)
				}
			}
			var out bytes.Buffer
			if err := RunDirectory(DirectoryConfig{Home: r.home, Op: OpList, Out: &out}); err != nil {
				t.Fatal(err)
			}
			if want := "@alice " + alice.Public().String() + " " + alice.Public().Fingerprint() + "\n"; out.String() != want {
				t.Errorf("list: got %q, want %q", out.String(), want)
			}
			var tok bytes.Buffer
			if err := RunInvite(InviteConfig{Home: r.home, Name: "@alice", Out: &tok}); err == nil || !strings.Contains(err.Error(), "nport relay directory remove @alice") {
				t.Errorf("invite a bound name: got %v, want a refusal naming the remove command", err)
			}
			out.Reset()
			if err := RunDirectory(DirectoryConfig{Home: r.home, Op: OpRemove, Name: "@alice", Out: &out}); err != nil || !strings.Contains(out.String(), "removed @alice") {
				t.Errorf("remove: %v, %q", err, out.String())
			}
			if err := RunInvite(InviteConfig{Home: r.home, Name: "@alice", TTL: time.Hour, Out: &tok}); err != nil {
				t.Fatal(err)
			}
			if _, err := wire.ParseClaimToken(strings.TrimSpace(tok.String())); err != nil {
				t.Errorf("invite printed %q: %v", tok.String(), err)
			}
			if running {
				if _, err := r.dial(t, newID(t, "@alice")); err != nil {
					t.Errorf("another key after remove, relay running: %v", err)
				}
			}
		})
	}
}

// TestOperatorCommandsWrongHome runs a command on a home where no relay
// ever ran: it says so, and creates nothing there.
func TestOperatorCommandsWrongHome(t *testing.T) {
	home := t.TempDir()
	err := RunDirectory(DirectoryConfig{Home: home, Op: OpList, Out: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "no relay has run") {
		t.Errorf("got %v, want an error saying no relay has run there", err)
	}
	if _, err := os.Stat(store.FileName(home)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the command created %s", store.FileName(home))
	}
}

// TestStaleAdminSocket leaves a socket behind, as a crashed relay would:
// the next relay replaces it and answers there.
func TestStaleAdminSocket(t *testing.T) {
	home := t.TempDir()
	path := admin.SocketName(home)
	os.MkdirAll(strings.TrimSuffix(path, "/admin.sock"), 0o700)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := admin.Call(path, admin.Request{Op: admin.OpList}); !errors.Is(err, admin.ErrNoRelay) {
		t.Fatalf("a stale socket: got %v, want ErrNoRelay", err)
	}
	r := startRelay(t, func(c *Config) { c.Home = home })
	r.connect(t, newID(t, "@alice")).close()
	resp, err := admin.Call(path, admin.Request{Op: admin.OpList})
	if err != nil || len(resp.Bindings) != 1 {
		t.Errorf("list through the replaced socket: %+v, %v", resp, err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("socket mode: %v (%v), want 0600", st.Mode().Perm(), err)
	}
	resp, _ = admin.Call(path, admin.Request{Op: "drop-everything"})
	if !strings.Contains(resp.Error, "unknown operation") {
		t.Errorf("unknown operation: got %+v, want an error", resp)
	}
}

// TestSecondRelaySameHome starts a second relay on the home of a running
// one: it says that a relay seems to be running, and exits.
func TestSecondRelaySameHome(t *testing.T) {
	r := startRelay(t, nil)
	res := proctest.Run(t, proctest.Binary(t), nil, "relay", "--home", r.home, "--listen", "127.0.0.1:0")
	if res.Code == 0 || !strings.Contains(res.Stderr, "a relay seems to be running") {
		t.Errorf("exit %d, stderr %q; want a failure saying a relay seems to be running", res.Code, res.Stderr)
	}
	// A command that cannot reach the relay says the same.
	os.Remove(admin.SocketName(r.home))
	_, err := operate(r.home, admin.Request{Op: admin.OpList})
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("a command without the socket: got %v, want ErrLocked saying the relay does not answer", err)
	}
}
