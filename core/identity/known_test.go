package identity

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func openKnown(t *testing.T, content string) *KnownIdentities {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_identities")
	if content != "" {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	k, err := OpenKnown(path)
	if err != nil {
		t.Fatalf("OpenKnown: %v", err)
	}
	return k
}

func TestKnownCheck(t *testing.T) {
	alice, relay, other := mustKey(t).Public(), mustKey(t).Public(), mustKey(t).Public()
	k := openKnown(t, fmt.Sprintf("# pins\n\n@alice %s\nrelay:Relay.example.com:443 %s # the relay\n", alice, relay))
	tests := []struct {
		name    string
		subject string
		key     PublicKey
		want    error
	}{
		{"pinned", "@alice", alice, nil},
		{"relay any case", RelaySubject("relay.EXAMPLE.com:443"), relay, nil},
		{"changed", "@alice", other, ErrKeyChanged},
		{"unknown", "@bob", alice, ErrUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := k.Check(tt.subject, tt.key)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if got, ok := k.Pinned("@alice"); !ok || !got.Equal(alice) {
		t.Errorf("got %v, %v, want %v, true", got, ok, alice)
	}
}

func TestKeyChangedMessage(t *testing.T) {
	old, nu := mustKey(t).Public(), mustKey(t).Public()
	k := openKnown(t, "# header\n@alice "+old.String()+"\n")
	err := k.Check("@alice", nu)
	var kc *KeyChangedError
	if !errors.As(err, &kc) {
		t.Fatalf("got %v, want a *KeyChangedError", err)
	}
	if !kc.Pinned.Equal(old) || !kc.Got.Equal(nu) || kc.Line != 2 || kc.File != k.Path() {
		t.Errorf("got %+v, want pinned old, got new, line 2 of %s", kc, k.Path())
	}
	want := fmt.Sprintf("identity: the key for @alice changed from %s to %s: this may be an attack, or @alice was re-created; if you trust the new key, remove line 2 of %s",
		old.Fingerprint(), nu.Fingerprint(), k.Path())
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
}

func TestPinPersists(t *testing.T) {
	k := openKnown(t, "")
	alice, bob := mustKey(t).Public(), mustKey(t).Public()
	if err := k.Pin("@alice", alice); err != nil {
		t.Fatalf("Pin: %v", err)
	}
	if err := k.Pin("@alice", alice); err != nil {
		t.Errorf("got %v pinning the same key again, want nil", err)
	}
	if err := k.Pin("@alice", bob); !errors.Is(err, ErrKeyChanged) {
		t.Errorf("got %v pinning another key, want ErrKeyChanged", err)
	}
	if err := k.Pin("relay:r.example:443", bob); err != nil {
		t.Fatalf("Pin: %v", err)
	}
	assertPerm(t, k.Path(), 0o600)
	again, err := OpenKnown(k.Path())
	if err != nil {
		t.Fatalf("OpenKnown: %v", err)
	}
	for subject, want := range map[string]PublicKey{"@alice": alice, "relay:r.example:443": bob} {
		if err := again.Check(subject, want); err != nil {
			t.Errorf("got %v after reopening, want nil", err)
		}
	}
	var kc *KeyChangedError
	if err := again.Check("@alice", bob); !errors.As(err, &kc) || kc.Line != 2 {
		t.Errorf("got %v, want a change reported on line 2 (after the header)", err)
	}
}

func TestPinAppendsAfterMissingNewline(t *testing.T) {
	alice, bob := mustKey(t).Public(), mustKey(t).Public()
	k := openKnown(t, "@alice "+alice.String())
	if err := k.Pin("@bob", bob); err != nil {
		t.Fatalf("Pin: %v", err)
	}
	again, err := OpenKnown(k.Path())
	if err != nil {
		t.Fatalf("OpenKnown: %v", err)
	}
	if err := again.Check("@alice", alice); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	var kc *KeyChangedError
	if err := again.Check("@bob", alice); !errors.As(err, &kc) || kc.Line != 2 {
		t.Errorf("got %v, want a change on line 2", err)
	}
}

func TestPinHonoursOtherWriters(t *testing.T) {
	alice, mallory := mustKey(t).Public(), mustKey(t).Public()
	k := openKnown(t, "")
	// Another process pins @alice after k was opened.
	if err := os.WriteFile(k.Path(), []byte("@alice "+alice.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := k.Pin("@alice", mallory); !errors.Is(err, ErrKeyChanged) {
		t.Errorf("got %v, want ErrKeyChanged from the pin on disk", err)
	}
	if err := k.Pin("@alice", alice); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	data, _ := os.ReadFile(k.Path())
	if n := strings.Count(string(data), "@alice"); n != 1 {
		t.Errorf("got %d lines for @alice, want 1:\n%s", n, data)
	}
}

func TestAddTrusted(t *testing.T) {
	inFile, inConfig := mustKey(t).Public(), mustKey(t).Public()
	k := openKnown(t, "@alice "+inFile.String()+"\n")
	if err := k.AddTrusted("@alice", inConfig); err != nil {
		t.Fatalf("AddTrusted: %v", err)
	}
	if err := k.Check("@alice", inConfig); err != nil {
		t.Errorf("got %v, want the configured key to win", err)
	}
	err := k.Check("@alice", inFile)
	if !errors.Is(err, ErrKeyChanged) || !strings.Contains(err.Error(), "in the configuration") {
		t.Errorf("got %v, want a change pointing at the configuration", err)
	}
	if err := k.AddTrusted("bad subject", inConfig); err == nil {
		t.Errorf("got nil for a bad subject, want an error")
	}
	if _, err := os.Stat(k.Path()); err != nil {
		t.Errorf("got %v, want the file untouched", err)
	}
}

func TestOpenKnownRefuses(t *testing.T) {
	a, b := mustKey(t).Public(), mustKey(t).Public()
	tests := []struct {
		name, content, want string
	}{
		{"one field", "@alice\n", "line 1: want"},
		{"three fields", "@alice " + a.String() + " extra\n", "line 1: want"},
		{"bad subject", "alice " + a.String() + "\n", "bad name"},
		{"bad relay", "relay:nohost " + a.String() + "\n", "bad subject"},
		{"relay port", "relay:h:99999 " + a.String() + "\n", "bad port"},
		{"private key", "@alice " + mustKey(t).RevealText() + "\n", "that is a private key"},
		{"conflict", "@alice " + a.String() + "\n#\n@alice " + b.String() + "\n", "line 3 pins @alice to another key than line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "known_identities")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := OpenKnown(path); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestKnownConcurrent(t *testing.T) {
	k := openKnown(t, "")
	keys := make([]PublicKey, 8)
	for i := range keys {
		keys[i] = mustKey(t).Public()
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(keys))
	for i, key := range keys {
		subject := fmt.Sprintf("@n%d", i%4) // two goroutines race for each subject
		wg.Go(func() {
			if err := k.Pin(subject, key); err != nil && !errors.Is(err, ErrKeyChanged) {
				errs <- err
			}
			if _, ok := k.Pinned(subject); !ok {
				errs <- fmt.Errorf("%s not pinned after Pin", subject)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	again, err := OpenKnown(k.Path())
	if err != nil {
		t.Fatalf("OpenKnown after concurrent pins: %v", err)
	}
	for i := range 4 {
		subject := fmt.Sprintf("@n%d", i)
		if p, _ := k.Pinned(subject); again.Check(subject, p) != nil {
			t.Errorf("got the file and memory disagreeing on %s", subject)
		}
	}
}
