package pairing

import (
	"testing"
	"time"

	"github.com/nport/nport/core/session"
)

// TestReclaimOnceSessionsHalve checks that memory is given back a moment
// after the sessions held fall to half their peak, and that a server whose
// peak is too small to matter does not plan it.
func TestReclaimOnceSessionsHalve(t *testing.T) {
	tests := []struct {
		name       string
		peak, left int
		want       bool // a reclaim is planned
	}{
		{"halved", 2 * reclaimFloor, reclaimFloor, true},
		{"not yet halved", 2 * reclaimFloor, reclaimFloor + 1, false},
		{"peak below the floor", reclaimFloor - 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := New(Config{MaxSessions: tt.peak, MaxSessionsPerIdentity: tt.peak, SessionTTL: time.Hour})
			t.Cleanup(srv.shutdown)
			freed := make(chan struct{}, 1)
			srv.reclaim.free = func() { freed <- struct{}{} }
			var ids []session.ID
			for range tt.peak {
				id := session.NewID()
				if _, err := srv.Open(id, "@alice"); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			srv.mu.Lock()
			for _, id := range ids[tt.left:] {
				srv.removeLocked(srv.sessions[id])
			}
			planned := srv.reclaim.timer != nil
			srv.mu.Unlock()
			if planned != tt.want {
				t.Fatalf("got a reclaim planned %v, want %v", planned, tt.want)
			}
			if !tt.want {
				return
			}
			select {
			case <-freed:
			case <-time.After(reclaimDelay + wait):
				t.Fatalf("got no reclaim within %v", reclaimDelay+wait)
			}
			eventually(t, "the peak counted again from the sessions left", func() bool {
				srv.mu.Lock()
				defer srv.mu.Unlock()
				return srv.reclaim.timer == nil && srv.reclaim.peak == tt.left
			})
		})
	}
}
