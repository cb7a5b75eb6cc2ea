// Package admission seats the sockets a public server has accepted but not
// yet admitted: those still in their handshake. It bounds them in total and
// per source address, so that a flood of idle connections can neither use
// up the server's file descriptors nor turn honest parties away.
//
// When the total is reached a newcomer is always seated: the socket that
// made progress least recently is shed. A source at its own bound sheds its
// least recently active socket if that one has been idle for a grace
// period, which no honest handshake is; otherwise the newcomer is refused
// and told to retry. Every shed or refused socket is told why with a Refuse
// frame (code limit) naming the limit, then closed at once.
package admission

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Defaults of the Config fields left zero. They are sized for one host
// running 1,000 concurrent session set-ups (see docs/relay.md, Limits).
const (
	// DefaultMax bounds the sockets in their handshake, all sources.
	DefaultMax = 4096
	// DefaultPerSource bounds those of one source address.
	DefaultPerSource = 2048
	// DefaultGrace is how long a socket of a source at its bound may be
	// idle before a newcomer from that source takes its place.
	DefaultGrace = 2 * time.Second
)

// Config sets a Gate's bounds. The zero value takes the defaults.
type Config struct {
	// Max bounds the pending sockets of all sources (DefaultMax if 0).
	Max int
	// PerSource bounds the pending sockets of one source: an IPv4
	// address, an IPv6 /64, or everything that is neither (DefaultPerSource
	// if 0).
	PerSource int
	// Grace is the idle time past which a socket of a full source is shed
	// for a newcomer of the same source (DefaultGrace if 0).
	Grace time.Duration
}

// Gate holds the pending sockets of one server. Its methods and those of
// its tickets are safe for concurrent use; each costs O(1) under one lock.
type Gate struct {
	max, perSource int
	grace          time.Duration
	now            func() time.Duration // the gate's monotonic clock
	frames         [limitCount][]byte   // the Refuse frame for each reason

	mu      sync.Mutex
	all     queue // every pending socket, least recently active first
	sources map[netip.Prefix]*source
	stats   Stats
}

// source is the pending sockets of one source address.
type source struct {
	key     netip.Prefix
	pending queue
}

// New returns an empty Gate with cfg's bounds.
func New(cfg Config) *Gate {
	if cfg.Max <= 0 {
		cfg.Max = DefaultMax
	}
	if cfg.PerSource <= 0 {
		cfg.PerSource = DefaultPerSource
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	start := time.Now()
	g := &Gate{
		max: cfg.Max, perSource: cfg.PerSource, grace: cfg.Grace,
		now:     func() time.Duration { return time.Since(start) },
		all:     queue{side: sideAll},
		sources: make(map[netip.Prefix]*source),
	}
	g.frames = refusalFrames(cfg)
	return g
}

// Admit seats nc, accepted a moment ago, among the pending sockets, and
// returns its ticket: call Touch on it as the handshake progresses and Done
// when it ends. If nc's source is at its bound with no socket idle past the
// grace, nc is told so and closed, and the error wraps ErrSourceFull. To
// seat nc, Admit may shed another pending socket, which it tells why and
// closes before it returns; that socket's ticket then reports Shed.
func (g *Gate) Admit(nc net.Conn) (*Ticket, error) {
	t := &Ticket{g: g, conn: nc}
	key := sourceOf(nc.RemoteAddr())
	shed, err := g.seat(t, key)
	if err != nil {
		tell(nc, g.frames[limitSourceRefused])
		return nil, fmt.Errorf("admission: %d sockets from %s in their handshake already: %w", g.perSource, key, err)
	}
	if shed != nil {
		tell(shed.conn, g.frames[shed.reason])
	}
	return t, nil
}

// seat places t among the pending sockets of source key, and returns the
// ticket shed to make room for it, if any. It touches no connection.
func (g *Gate) seat(t *Ticket, key netip.Prefix) (shed *Ticket, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	src := g.sources[key]
	switch {
	case src != nil && src.pending.n >= g.perSource:
		oldest := src.pending.head
		if now-oldest.last < g.grace {
			g.stats.RefusedPerSource++
			return nil, ErrSourceFull
		}
		shed = g.shedLocked(oldest, limitSource)
		g.stats.ShedPerSource++
	case g.all.n >= g.max:
		shed = g.shedLocked(g.all.head, limitGlobal)
		g.stats.ShedGlobal++
	}
	if src = g.sources[key]; src == nil {
		src = &source{key: key, pending: queue{side: sideSource}}
		g.sources[key] = src
	}
	t.src, t.last, t.state = src, now, seated
	g.all.push(t)
	src.pending.push(t)
	g.stats.PeakPending = max(g.stats.PeakPending, g.all.n)
	return shed, nil
}

// shedLocked takes t off its seat for reason. g.mu is held.
func (g *Gate) shedLocked(t *Ticket, reason limit) *Ticket {
	g.removeLocked(t)
	t.state, t.reason = shed, reason
	return t
}

// removeLocked takes t out of both queues, and forgets its source once it
// holds nothing. g.mu is held.
func (g *Gate) removeLocked(t *Ticket) {
	g.all.remove(t)
	t.src.pending.remove(t)
	if t.src.pending.n == 0 {
		delete(g.sources, t.src.key)
	}
}

// Stats counts what the gate did, for logs and metrics.
type Stats struct {
	// Pending is the number of sockets in their handshake now.
	Pending int
	// Sources is the number of source addresses they come from.
	Sources int
	// PeakPending is the most sockets that were in their handshake at
	// once, for sizing the limits.
	PeakPending int
	// ShedGlobal counts sockets shed because all sources together were
	// at Max.
	ShedGlobal uint64
	// ShedPerSource counts sockets shed, idle past the grace, for a
	// newcomer of the same source at PerSource.
	ShedPerSource uint64
	// RefusedPerSource counts newcomers refused because their source was
	// at PerSource and none of its sockets was idle past the grace.
	RefusedPerSource uint64
}

// Stats returns the counters now.
func (g *Gate) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats
	s.Pending, s.Sources = g.all.n, len(g.sources)
	return s
}
