// Package directorytest holds the steps every directory.Directory must
// take, for the tests of each implementation.
package directorytest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/core/identity"
)

// Run checks the contract of Directory on d, which must be empty.
func Run(t *testing.T, d directory.Directory) {
	t.Helper()
	alice, mallory := NewKey(t), NewKey(t)
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"first claim binds", func() error { return d.Claim("@alice", alice) }, nil},
		{"same key again", func() error { return d.Claim("@alice", alice) }, nil},
		{"another key refused", func() error { return d.Claim("@alice", mallory) }, directory.ErrNameTaken},
		{"lookup finds it", func() error { return WantLookup(d, "@alice", alice, true) }, nil},
		{"unknown lookup", func() error { return WantLookup(d, "@bob", identity.PublicKey{}, false) }, nil},
		{"remove unknown", func() error { return d.Remove("@bob") }, directory.ErrNotFound},
		{"remove", func() error { return d.Remove("@alice") }, nil},
		{"lookup gone", func() error { return WantLookup(d, "@alice", identity.PublicKey{}, false) }, nil},
		{"other key claims it now", func() error { return d.Claim("@alice", mallory) }, nil},
		{"bob", func() error { return d.Claim("@bob", alice) }, nil},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.want) || (s.want == nil && err != nil) {
			t.Fatalf("%s: got %v, want %v", s.name, err, s.want)
		}
	}
	if got := d.Count(); got != 2 {
		t.Errorf("count: got %d, want 2", got)
	}
	WantList(t, d, []directory.Binding{{Name: "@alice", Key: mallory}, {Name: "@bob", Key: alice}})
}

// WantList fails t unless d lists exactly want's names and keys, in order.
func WantList(t *testing.T, d directory.Directory, want []directory.Binding) {
	t.Helper()
	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(want) {
		t.Fatalf("list: got %d bindings, want %d", len(list), len(want))
	}
	for i := range want {
		if list[i].Name != want[i].Name || !list[i].Key.Equal(want[i].Key) {
			t.Errorf("list[%d]: got %v, want %v", i, list[i], want[i])
		}
	}
}

// WantLookup says how Lookup of name differs from key and found.
func WantLookup(d directory.Directory, name identity.Name, key identity.PublicKey, found bool) error {
	got, ok, err := d.Lookup(name)
	if err != nil {
		return err
	}
	if ok != found || !got.Equal(key) {
		return fmt.Errorf("lookup %s: got %v, %v; want %v, %v", name, got, ok, key, found)
	}
	return nil
}

// NewKey returns a fresh public key.
func NewKey(t testing.TB) identity.PublicKey {
	t.Helper()
	k, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}
