package claim

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// sources limits the new names claimed from each source address: IPv4
// addresses one by one, IPv6 by /64, the block one subscriber gets. It
// is a generic cell rate algorithm: one time per source, the earliest at
// which its bucket would be full again, so a source that has been quiet
// long enough is forgotten.
type sources struct {
	every     time.Duration // between two names, at the rate
	burst     int
	tolerance time.Duration // every × (burst - 1): how far ahead of the rate a source may run
	mu        sync.Mutex
	full      map[netip.Prefix]time.Time // when each source's bucket is full again
	nextPrune int                        // prune when the map grows to this
	pruned    time.Time                  // the last prune, at most one a second when full
}

// maxSources bounds the sources followed at once; past it, with no
// quiet source to forget, new names are refused from every new source.
const maxSources = 100_000

const pruneAt = 4096

func newSources(perMinute, burst int) *sources {
	if perMinute <= 0 {
		return nil
	}
	every := time.Minute / time.Duration(perMinute)
	return &sources{every: every, burst: max(burst, 1), tolerance: every * time.Duration(max(burst, 1)-1), full: make(map[netip.Prefix]time.Time), nextPrune: pruneAt}
}

// allow takes one new name from addr's allowance at now, if there is one.
// The allowance is shared by relays: each grants a share-th of the rate
// and of the burst (at least one name).
func (s *sources) allow(addr net.Addr, now time.Time, share int) bool {
	if s == nil {
		return true
	}
	every, tolerance := s.every, s.tolerance
	if share > 1 {
		every *= time.Duration(share)
		tolerance = every * time.Duration(max(s.burst/share, 1)-1)
	}
	src := sourceOf(addr)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, known := s.full[src]
	t = later(t, now)
	if t.Sub(now) > tolerance {
		return false
	}
	if !known && len(s.full) >= s.nextPrune && !s.prune(now) {
		return false
	}
	s.full[src] = t.Add(every)
	return true
}

// prune forgets the sources whose bucket is full again, and reports
// whether there is room for another.
func (s *sources) prune(now time.Time) bool {
	if len(s.full) >= maxSources && now.Sub(s.pruned) < time.Second {
		return false
	}
	s.pruned = now
	for src, t := range s.full {
		if !t.After(now) {
			delete(s.full, src)
		}
	}
	s.nextPrune = min(max(2*len(s.full), pruneAt), maxSources)
	return len(s.full) < maxSources
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// sourceOf is the block an address is limited by.
func sourceOf(addr net.Addr) netip.Prefix {
	var ip netip.Addr
	if tcp, ok := addr.(*net.TCPAddr); ok {
		ip, _ = netip.AddrFromSlice(tcp.IP)
	} else if addr != nil {
		if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
			ip = ap.Addr()
		}
	}
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits) // an unknown address is one source: the zero prefix
	return p
}
