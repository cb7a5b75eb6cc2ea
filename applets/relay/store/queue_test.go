package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/relayconn"
)

func TestQueueBounds(t *testing.T) {
	tests := []struct {
		name  string
		opt   route.QueueOptions
		sends []string
		wait  time.Duration // before the recipient connects
		want  []string
		full  bool // the last send fails with ErrQueueFull
	}{
		{"kept until connect", testQueue, []string{"1", "2"}, 30 * time.Second, []string{"1", "2"}, false},
		{"past ttl dropped", testQueue, []string{"1", "2"}, time.Minute, nil, false},
		{"bound drops oldest", route.QueueOptions{Len: 2, TTL: time.Minute}, []string{"1", "2", "3", "4"}, 0, []string{"3", "4"}, false},
		{"total bytes", route.QueueOptions{Len: 8, TTL: time.Minute, MaxBytes: 10}, []string{"12345", "12345", "1"}, 0, []string{"12345", "12345"}, true},
		{"no queue", route.QueueOptions{}, []string{"1"}, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := fakeclock.New()
			s := open(t, tempPath(t), clk, tt.opt)
			for i, f := range tt.sends {
				err := s.Push("@bob", []byte(f), clk.Now())
				if last := i == len(tt.sends)-1; last && tt.full != errors.Is(err, route.ErrQueueFull) || !last && err != nil {
					t.Errorf("push %q: got %v", f, err)
				}
			}
			clk.Advance(tt.wait)
			wantFrames(t, drain(t, s, "@bob", clk.Now()), tt.want...)
			wantFrames(t, drain(t, s, "@bob", clk.Now())) // flushed
			if n, size := s.Queued(); n != 0 || size != 0 {
				t.Errorf("after drain: %d frames, %d bytes; want none", n, size)
			}
		})
	}
}

func TestDrainStopsAtRefusal(t *testing.T) {
	clk := fakeclock.New()
	path := tempPath(t)
	s := open(t, path, clk, route.QueueOptions{Len: 8, TTL: time.Minute})
	push(t, s, "@bob", clk.Now(), "0", "1", "2", "3", "4")
	var got []string
	s.Drain("@bob", clk.Now(), func(f []byte) bool {
		if len(got) == 2 {
			return false
		}
		got = append(got, string(f))
		return true
	})
	wantFrames(t, got, "0", "1")
	s.Close()
	again := open(t, path, clk, route.QueueOptions{Len: 8, TTL: time.Minute})
	wantFrames(t, drain(t, again, "@bob", clk.Now()), "2", "3", "4")
}

// TestConcurrentPushes pushes from many goroutines at once, as many
// senders to offline identities do: every push that returned nil is
// kept, in the order each sender pushed.
func TestConcurrentPushes(t *testing.T) {
	nettest.NoLeaks(t)
	clk := fakeclock.New()
	s := open(t, tempPath(t), clk, route.QueueOptions{Len: 1000, TTL: time.Minute})
	const senders, each = 20, 25
	recipients := names(3)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				if err := s.Push(recipients[i%3], fmt.Appendf(nil, "%d/%d", i, j), clk.Now()); err != nil {
					t.Errorf("push: %v", err)
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, r := range recipients {
		next := map[int]int{} // sender → its next frame
		for _, f := range drain(t, s, r, clk.Now()) {
			var i, j int
			fmt.Sscanf(f, "%d/%d", &i, &j)
			if j != next[i] {
				t.Fatalf("%s: got %s after %d/%d, want the senders' order kept", r, f, i, next[i]-1)
			}
			next[i]++
			total++
		}
	}
	if total != senders*each {
		t.Errorf("got %d frames, want %d", total, senders*each)
	}
}

func TestSweepFrames(t *testing.T) {
	clk := fakeclock.New()
	s := open(t, tempPath(t), clk, testQueue)
	for _, n := range names(50) {
		push(t, s, n, clk.Now(), "gone")
	}
	clk.Advance(30 * time.Second)
	push(t, s, "@stays", clk.Now(), "kept")
	clk.Advance(30 * time.Second)
	swept, err := s.Sweep(clk.Now(), 0)
	if err != nil || swept.Frames != 50 {
		t.Fatalf("sweep: %+v, %v; want 50 frames", swept, err)
	}
	if n, size := s.Queued(); n != 1 || size != 4 {
		t.Errorf("after sweep: %d frames of %d bytes, want 1 of 4", n, size)
	}
	wantFrames(t, drain(t, s, "@stays", clk.Now()), "kept")
}

func TestFloodKeepsTheManagersRequest(t *testing.T) {
	clk := fakeclock.New()
	s := open(t, tempPath(t), clk, route.QueueOptions{Len: 8, TTL: time.Hour})
	recv := func(from string) []byte {
		f, err := relayconn.EncodeRecv(1, identity.Name(from), identity.PublicKey{}, make([]byte, 100))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if err := s.Push("@dev", recv("@alice"), clk.Now()); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if err := s.Push("@dev", recv("@flood"), clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	s.Drain("@dev", clk.Now(), func(f []byte) bool { got = append(got, string(route.SenderOf(f))); return true })
	if len(got) != 8 || got[0] != "@alice" {
		t.Errorf("the device gets %q, want alice's request first among 8", got)
	}
}
