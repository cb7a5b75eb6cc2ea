package pairing

import "time"

// Sessions leave memory behind when they end: the goroutine stacks and
// socket state of a thousand sessions stay in the Go heap, which the
// runtime gives back to the operating system only after garbage
// collections that an idle server has no reason to run. So once the
// sessions held have fallen to half of their peak, the server collects and
// returns the free memory, once, a moment later. It costs one collection
// per halving, far from the copy path.

const (
	// reclaimFloor is the smallest peak worth a collection.
	reclaimFloor = 64
	// reclaimDelay lets a wave of session ends finish before the
	// collection, so that one serves them all.
	reclaimDelay = time.Second
)

// reclaimer decides when to give memory back. It is guarded by Server.mu.
type reclaimer struct {
	peak  int         // most sessions held since the last reclaim
	timer *time.Timer // the reclaim to come, nil if none is
	free  func()      // returns the memory: debug.FreeOSMemory
}

// grewLocked notes that a session was opened. s.mu is held.
func (s *Server) grewLocked() {
	s.reclaim.peak = max(s.reclaim.peak, len(s.sessions))
}

// shrankLocked notes that a session ended, and plans a reclaim once the
// sessions are down to half their peak. s.mu is held.
func (s *Server) shrankLocked() {
	r := &s.reclaim
	if r.timer != nil || s.closed || r.peak < reclaimFloor || len(s.sessions) > r.peak/2 {
		return
	}
	r.timer = time.AfterFunc(reclaimDelay, s.reclaimMemory)
}

// reclaimMemory returns the free memory to the operating system, and
// starts counting the peak again from the sessions held now.
func (s *Server) reclaimMemory() {
	s.reclaim.free()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reclaim.timer = nil
	s.reclaim.peak = len(s.sessions)
}

// stopReclaimLocked cancels a reclaim to come, at shutdown. s.mu is held.
func (s *Server) stopReclaimLocked() {
	if s.reclaim.timer != nil {
		s.reclaim.timer.Stop()
	}
}
