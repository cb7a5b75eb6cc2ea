package relay

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/wire"
)

// TestQueuedSurvivesRestart queues a message for an offline identity in
// the relay binary, stops the relay (politely, or as a crash would),
// starts it again on the same home, and connects the identity: the
// message that was acknowledged "queued" arrives, byte for byte.
func TestQueuedSurvivesRestart(t *testing.T) {
	tests := []struct {
		name string
		stop func(p *proctest.Proc)
	}{
		{"SIGTERM", func(p *proctest.Proc) {
			p.Stop()
			if code := p.Wait(10 * time.Second); code != 0 {
				t.Errorf("exit code after SIGTERM: got %d, want 0", code)
			}
		}},
		{"SIGKILL", func(p *proctest.Proc) { p.Kill() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			alice, bob := newID(t, "@alice"), newID(t, "@bob")
			p, r := startBinary(t, home, "127.0.0.1:0", "--queue-ttl", "10m")
			r.connect(t, bob).close() // bob claims his name, then goes offline
			a := r.connect(t, alice)
			env := make([]byte, 700)
			rand.Read(env)
			if err := a.c.Send(1, "@bob", 0, identity.PublicKey{}, env); err != nil {
				t.Fatal(err)
			}
			if got := a.status(t, 1); got != wire.SendQueued {
				t.Fatalf("status: got %v, want queued", got)
			}
			tt.stop(p)
			a.close()

			_, r2 := startBinary(t, home, r.addr, "--queue-ttl", "10m")
			got := r2.connect(t, bob).recv(t)
			if got.From != "@alice" || got.FromPub != alice.Public().Raw() || !bytes.Equal(got.Sealed, env) {
				t.Errorf("got %d bytes from %s, want alice's %d bytes intact", len(got.Sealed), got.From, len(env))
			}
		})
	}
}

// TestLargeDirectoryStarts gives the relay binary a directory of 200,000
// names, written through the store as if claimed over months: it starts,
// a bound identity connects, and messages for the others are queued.
func TestLargeDirectoryStarts(t *testing.T) {
	const fleet = 200_000
	home := t.TempDir()
	alice := newID(t, "@alice")
	bindings := []directory.Binding{{Name: alice.Name, Key: alice.Public()}}
	for i := range fleet - 1 {
		var raw [identity.KeyLen]byte
		rand.Read(raw[:])
		bindings = append(bindings, directory.Binding{Name: identity.Name(fmt.Sprintf("@dev%06d", i)), Key: identity.PublicKeyFromRaw(raw)})
	}
	st, err := store.Open(store.FileName(home), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(bindings); err != nil {
		t.Fatal(err)
	}
	st.Close()

	start := time.Now()
	p, r := startBinary(t, home, "127.0.0.1:0", "--max-names", "0")
	t.Logf("a relay with %d names was ready %v after its start", fleet, time.Since(start).Round(time.Millisecond))
	if m := p.WaitFor(openLine, 10*time.Second); m[1] != fmt.Sprint(fleet) {
		t.Errorf("the relay opened %s names, want %d", m[1], fleet)
	}
	a := r.connect(t, alice)
	a.c.Send(1, "@dev123456", 0, identity.PublicKey{}, sealed(1, 100))
	if got := a.status(t, 1); got != wire.SendQueued {
		t.Errorf("send to one of the fleet: got %v, want queued", got)
	}
	fresh := r.connect(t, newID(t, "@new"))
	fresh.c.Send(2, "@alice", 0, identity.PublicKey{}, sealed(2, 100))
	if got := a.recv(t); got.From != "@new" {
		t.Errorf("got a message from %s, want @new", got.From)
	}
}

var openLine = regexpMust(`"msg":"database open".*"names":(\d+)`)

// TestImportsDirectoryFile starts the relay binary on the home of an
// older relay, whose directory was a text file: the names are kept, and
// the file is renamed.
func TestImportsDirectoryFile(t *testing.T) {
	home := t.TempDir()
	alice, bob := newID(t, "@alice"), newID(t, "@bob")
	file := directory.FileName(home)
	os.MkdirAll(filepath.Dir(file), 0o700)
	text := "# nport relay directory\n@alice " + alice.Public().String() + "\n@bob " + bob.Public().String() + "\n"
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	p, r := startBinary(t, home, "127.0.0.1:0")
	p.WaitFor(regexpMust(`"msg":"imported the directory file into the database".*"names":2`), 10*time.Second)
	if _, err := os.Stat(file + ".imported"); err != nil {
		t.Errorf("the file was not renamed: %v", err)
	}
	if _, err := r.dial(t, newID(t, "@alice")); !isRefusal(err, wire.RefuseNameTaken) {
		t.Errorf("another key for an imported name: got %v, want name-taken", err)
	}
	r.connect(t, bob)
	p.Stop()
	// A second start has nothing to import.
	p2, _ := startBinary(t, home, "127.0.0.1:0")
	p2.Stop()
	if strings.Contains(p2.Output(), "imported the directory file") {
		t.Error("the second start imported again")
	}
}

// TestNameTTLSweptAtStart starts a relay on a directory with a name last
// seen long ago: with --name-ttl it is released at start, and another key
// claims it.
func TestNameTTLSweptAtStart(t *testing.T) {
	old := newID(t, "@old")
	clk := fakeclock.New()
	r := startRelay(t, func(c *Config) {
		st, err := store.Open(store.FileName(c.Home), store.Options{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		st.Claim(old.Name, old.Public())
		st.Close()
		clk.Advance(31 * 24 * time.Hour)
		c.NameTTL, c.Now = 30*24*time.Hour, clk.Now
	})
	if _, err := r.dial(t, newID(t, "@old")); err != nil {
		t.Errorf("a name not seen for longer than --name-ttl, another key: %v", err)
	}
}
