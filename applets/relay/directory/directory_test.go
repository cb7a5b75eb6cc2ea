package directory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nport/nport/core/identity"
)

func newKey(t testing.TB) identity.PublicKey {
	t.Helper()
	k, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}

// implementations returns a fresh directory of each kind.
func implementations(t *testing.T) map[string]Directory {
	f, err := OpenFile(filepath.Join(t.TempDir(), "relay", "directory"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Directory{"memory": &Memory{}, "file": f}
}

func TestContract(t *testing.T) {
	for kind, d := range implementations(t) {
		t.Run(kind, func(t *testing.T) {
			alice, mallory := newKey(t), newKey(t)
			steps := []struct {
				name string
				do   func() error
				want error
			}{
				{"first claim binds", func() error { return d.Claim("@alice", alice) }, nil},
				{"same key again", func() error { return d.Claim("@alice", alice) }, nil},
				{"another key refused", func() error { return d.Claim("@alice", mallory) }, ErrNameTaken},
				{"lookup finds it", func() error { return wantLookup(d, "@alice", alice, true) }, nil},
				{"unknown lookup", func() error { return wantLookup(d, "@bob", identity.PublicKey{}, false) }, nil},
				{"remove unknown", func() error { return d.Remove("@bob") }, ErrNotFound},
				{"remove", func() error { return d.Remove("@alice") }, nil},
				{"lookup gone", func() error { return wantLookup(d, "@alice", identity.PublicKey{}, false) }, nil},
				{"other key claims it now", func() error { return d.Claim("@alice", mallory) }, nil},
			}
			for _, s := range steps {
				if err := s.do(); !errors.Is(err, s.want) || (s.want == nil && err != nil) {
					t.Fatalf("%s: got %v, want %v", s.name, err, s.want)
				}
			}
			d.Claim("@bob", alice)
			list, err := d.List()
			if err != nil {
				t.Fatal(err)
			}
			want := []Binding{{"@alice", mallory}, {"@bob", alice}}
			if len(list) != len(want) {
				t.Fatalf("list: got %d bindings, want %d", len(list), len(want))
			}
			for i := range want {
				if list[i].Name != want[i].Name || !list[i].Key.Equal(want[i].Key) {
					t.Errorf("list[%d]: got %v, want %v", i, list[i], want[i])
				}
			}
		})
	}
}

func wantLookup(d Directory, name identity.Name, key identity.PublicKey, found bool) error {
	got, ok, err := d.Lookup(name)
	if err != nil {
		return err
	}
	if ok != found || !got.Equal(key) {
		return fmt.Errorf("lookup %s: got %v, %v; want %v, %v", name, got, ok, key, found)
	}
	return nil
}

func TestFileSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relay", "directory")
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	alice := newKey(t)
	if err := f.Claim("@alice", alice); err != nil {
		t.Fatal(err)
	}
	again, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := wantLookup(again, "@alice", alice, true); err != nil {
		t.Error(err)
	}
	if err := again.Claim("@alice", newKey(t)); !errors.Is(err, ErrNameTaken) {
		t.Errorf("claim after reopen: got %v, want ErrNameTaken", err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode: got %v (%v), want 0600", st.Mode().Perm(), err)
	}
}

// TestFileSeesOtherWriters runs two File values on one path, as the relay
// and `nport relay directory remove` are.
func TestFileSeesOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "directory")
	relay, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	command, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	alice, mallory := newKey(t), newKey(t)
	if err := relay.Claim("@alice", alice); err != nil {
		t.Fatal(err)
	}
	if err := command.Remove("@alice"); err != nil {
		t.Fatalf("remove by the other writer: %v", err)
	}
	if err := relay.Claim("@alice", mallory); err != nil {
		t.Errorf("claim after an outside removal: got %v, want it accepted", err)
	}
	if err := command.Claim("@alice", alice); !errors.Is(err, ErrNameTaken) {
		t.Errorf("the other writer sees the new claim: got %v, want ErrNameTaken", err)
	}
	// An operator's edit by hand: delete the file's content but a comment.
	if err := os.WriteFile(path, []byte("# emptied by hand\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	relay.checked = relay.checked.AddDate(-1, 0, 0) // let Lookup look again
	if err := wantLookup(relay, "@alice", identity.PublicKey{}, false); err != nil {
		t.Error(err)
	}
}

func TestFileRefusals(t *testing.T) {
	alice := newKey(t)
	tests := []struct {
		name, content, want string
	}{
		{"bad key", "@alice nport-pub:xyz\n", "line 1"},
		{"bad name", "# header\nAlice " + alice.String() + "\n", "line 2"},
		{"extra field", "@alice " + alice.String() + " extra\n", "fields"},
		{"two keys", "@alice " + alice.String() + "\n@alice " + newKey(t).String() + "\n", "another key than line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "directory")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := OpenFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestFileBrokenWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "directory")
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	alice := newKey(t)
	if err := f.Claim("@alice", alice); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(data, "garbage line\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Claim("@bob", newKey(t)); err == nil || !strings.Contains(err.Error(), "fix or delete") {
		t.Errorf("new claim on a broken file: got %v, want the parse error", err)
	}
	if err := f.Claim("@alice", alice); err != nil {
		t.Errorf("known binding on a broken file: got %v, want it still accepted", err)
	}
	if err := wantLookup(f, "@alice", alice, true); err != nil {
		t.Errorf("lookup on a broken file: %v", err)
	}
}

func TestFileConcurrentClaims(t *testing.T) {
	path := filepath.Join(t.TempDir(), "directory")
	a, _ := OpenFile(path)
	b, _ := OpenFile(path)
	var wg sync.WaitGroup
	for i := range 20 {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Go(func() {
			if err := d.Claim(identity.Name(fmt.Sprintf("@n%d", i)), newKey(t)); err != nil {
				t.Errorf("claim %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	c, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := c.List()
	if got, want := len(list), 20; got != want {
		t.Errorf("got %d bindings in the file, want %d", got, want)
	}
}
