package store

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/directory/directorytest"
	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	bolt "go.etcd.io/bbolt"
)

func TestContract(t *testing.T) {
	nettest.NoLeaks(t)
	directorytest.Run(t, open(t, tempPath(t), fakeclock.New(), testQueue))
}

func TestReopenKeepsEverything(t *testing.T) {
	nettest.NoLeaks(t)
	path, clk := tempPath(t), fakeclock.New()
	s := open(t, path, clk, testQueue)
	alice := directorytest.NewKey(t)
	if err := s.Claim("@alice", alice); err != nil {
		t.Fatal(err)
	}
	push(t, s, "@alice", clk.Now(), "one", "two")
	var hash [32]byte
	hash[0] = 1
	if err := s.Invite(hash, "@bob", clk.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	again := open(t, path, clk, testQueue)
	if err := directorytest.WantLookup(again, "@alice", alice, true); err != nil {
		t.Error(err)
	}
	if err := again.Claim("@alice", directorytest.NewKey(t)); !errors.Is(err, directory.ErrNameTaken) {
		t.Errorf("another key after reopen: got %v, want ErrNameTaken", err)
	}
	if n, size := again.Queued(); n != 2 || size != 6 {
		t.Errorf("after reopen: %d frames of %d bytes queued, want 2 of 6", n, size)
	}
	wantFrames(t, drain(t, again, "@alice", clk.Now()), "one", "two")
	bob := directorytest.NewKey(t)
	if err := again.Redeem(hash, "@bob", bob); err != nil {
		t.Errorf("invitation after reopen: %v", err)
	}
	list, _ := again.List()
	if len(list) != 2 || !list[0].Claimed.Equal(clk.Now()) || !list[0].LastSeen.Equal(clk.Now()) {
		t.Errorf("got %+v, want two bindings claimed and seen at %v", list, clk.Now())
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode: got %v (%v), want 0600", st.Mode().Perm(), err)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	nettest.NoLeaks(t)
	path := tempPath(t)
	open(t, path, fakeclock.New(), testQueue)
	_, err := Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "a relay seems to be running") {
		t.Errorf("got %v, want ErrLocked saying a relay seems to be running", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := tempPath(t)
	s := open(t, path, fakeclock.New(), testQueue)
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(schemaKey, []byte{0, 0, 0, 99}) })
	s.Close()
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer nport") {
		t.Errorf("got %v, want a refusal naming a newer nport", err)
	}
}

func TestImport(t *testing.T) {
	s := open(t, tempPath(t), fakeclock.New(), testQueue)
	alice, bob := directorytest.NewKey(t), directorytest.NewKey(t)
	fleet := []directory.Binding{{Name: "@alice", Key: alice}, {Name: "@bob", Key: bob}}
	if err := s.Import(fleet); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 2 {
		t.Errorf("count after import: got %d, want 2", s.Count())
	}
	directorytest.WantList(t, s, fleet)
	if err := s.Import(fleet); err == nil {
		t.Error("a second import into a directory with names was accepted")
	}
}

func TestLastSeen(t *testing.T) {
	clk := fakeclock.New()
	s := open(t, tempPath(t), clk, testQueue)
	s.Claim("@alice", directorytest.NewKey(t))
	claimed := clk.Now()
	seen := func() time.Time {
		list, err := s.List()
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v, %v", list, err)
		}
		return list[0].LastSeen
	}
	steps := []struct {
		name string
		do   func()
		want time.Duration // after the claim
	}{
		{"connect", func() { clk.Advance(time.Minute); s.Connected("@alice") }, time.Minute},
		{"nothing new", func() { clk.Advance(time.Minute) }, time.Minute},
		{"long-lived connection", func() { clk.Advance(LiveRefresh) }, 2*time.Minute + LiveRefresh},
		{"disconnect", func() { clk.Advance(time.Minute); s.Disconnected("@alice") }, 3*time.Minute + LiveRefresh},
		{"gone", func() { clk.Advance(LiveRefresh) }, 3*time.Minute + LiveRefresh},
	}
	for _, st := range steps {
		st.do()
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		if got, want := seen(), claimed.Add(st.want); !got.Equal(want) {
			t.Errorf("%s: last seen %v, want %v", st.name, got, want)
		}
	}
}

var _ directory.Directory = (*Store)(nil)

func mustClaim(t *testing.T, s *Store, names ...identity.Name) {
	t.Helper()
	for _, n := range names {
		if err := s.Claim(n, directorytest.NewKey(t)); err != nil {
			t.Fatal(err)
		}
	}
}
