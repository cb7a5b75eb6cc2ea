package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/directory/directorytest"
	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/core/identity"
)

func TestNameTTL(t *testing.T) {
	clk := fakeclock.New()
	s := open(t, tempPath(t), clk, testQueue)
	ttl := 30 * 24 * time.Hour
	mustClaim(t, s, "@idle", "@live", "@seen", "@new")
	push(t, s, "@idle", clk.Now(), "for nobody")
	s.Connected("@live")
	s.Connected("@seen")
	s.Disconnected("@seen")
	clk.Advance(ttl / 2)
	s.Flush() // @seen's disconnection is written
	clk.Advance(ttl/2 + time.Second)
	mustClaim(t, s, "@newer")

	swept, err := s.Sweep(clk.Now(), ttl)
	if err != nil {
		t.Fatal(err)
	}
	if want := []identity.Name{"@idle", "@new"}; !slices.Equal(sorted(swept.Names), want) {
		t.Errorf("expired %v, want %v", swept.Names, want)
	}
	for _, n := range []identity.Name{"@live", "@seen", "@newer"} {
		if _, ok, _ := s.Lookup(n); !ok {
			t.Errorf("%s expired, want it kept", n)
		}
	}
	if _, ok, _ := s.Lookup("@idle"); ok || s.Count() != 3 {
		t.Errorf("@idle still bound (or count %d, want 3)", s.Count())
	}
	if n, _ := s.Queued(); n != 0 {
		t.Errorf("%d frames left for an expired name, want none", n)
	}
	if err := s.Claim("@idle", directorytest.NewKey(t)); err != nil {
		t.Errorf("an expired name is free again: got %v", err)
	}
	// A live connection keeps its name however long it lasts.
	clk.Advance(10 * ttl)
	if swept, _ := s.Sweep(clk.Now(), ttl); slices.Contains(swept.Names, "@live") {
		t.Error("a name with a live connection expired")
	}
}

func sorted(n []identity.Name) []identity.Name { slices.Sort(n); return n }

func TestInvitations(t *testing.T) {
	clk := fakeclock.New()
	s := open(t, tempPath(t), clk, testQueue)
	mustClaim(t, s, "@taken")
	hash := func(b byte) (h [32]byte) { h[0] = b; return h }
	key := directorytest.NewKey(t)
	if err := s.Invite(hash(1), "@taken", clk.Now().Add(time.Hour)); !errors.Is(err, ErrNameBound) {
		t.Errorf("invite a bound name: got %v, want ErrNameBound", err)
	}
	s.Invite(hash(2), "@pi", clk.Now().Add(time.Hour))
	s.Invite(hash(3), "@old", clk.Now().Add(time.Minute))
	steps := []struct {
		name string
		hash [32]byte
		as   identity.Name
		want error
	}{
		{"unknown token", hash(9), "@pi", ErrNoInvitation},
		{"another name", hash(2), "@other", ErrOtherName},
		{"valid", hash(2), "@pi", nil},
		{"used already", hash(2), "@pi", ErrNoInvitation},
		{"expired", hash(3), "@old", ErrNoInvitation},
	}
	for _, st := range steps {
		if st.name == "expired" {
			clk.Advance(time.Minute)
		}
		if err := s.Redeem(st.hash, st.as, key); !errors.Is(err, st.want) || st.want == nil && err != nil {
			t.Errorf("%s: got %v, want %v", st.name, err, st.want)
		}
	}
	if err := directorytest.WantLookup(s, "@pi", key, true); err != nil {
		t.Error(err)
	}
	s.Invite(hash(4), "@later", clk.Now().Add(time.Minute))
	clk.Advance(time.Minute)
	if swept, err := s.Sweep(clk.Now(), 0); err != nil || swept.Invites != 2 {
		t.Errorf("sweep: %+v, %v; want the 2 expired invitations", swept, err)
	}
}
