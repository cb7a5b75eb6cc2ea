package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
)

var testQueue = route.QueueOptions{Len: 4, TTL: time.Minute}

// open opens the store at path with clk, closed when the test ends.
func open(t testing.TB, path string, clk *fakeclock.Clock, q route.QueueOptions) *Store {
	t.Helper()
	s, err := Open(path, Options{Queue: q, Now: clk.Now, LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func tempPath(t testing.TB) string { return filepath.Join(t.TempDir(), "relay", "relay.db") }

// drain takes every frame of name, as strings.
func drain(t testing.TB, s *Store, name identity.Name, now time.Time) []string {
	t.Helper()
	var got []string
	if err := s.Drain(name, now, func(f []byte) bool { got = append(got, string(f)); return true }); err != nil {
		t.Fatal(err)
	}
	return got
}

func push(t testing.TB, s *Store, name identity.Name, now time.Time, frames ...string) {
	t.Helper()
	for _, f := range frames {
		if err := s.Push(name, []byte(f), now); err != nil {
			t.Fatalf("push %q: %v", f, err)
		}
	}
}

func wantFrames(t testing.TB, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// names returns n distinct names.
func names(n int) []identity.Name {
	out := make([]identity.Name, n)
	for i := range out {
		out[i] = identity.Name(fmt.Sprintf("@n%d", i))
	}
	return out
}
