package metrics

import (
	"sync"
	"time"

	"github.com/nport/nport/core/session"
)

// Metric names of sessions, shared by the rendezvous and the daemon.
const (
	SessionsTotal = "nport_sessions_total"
	SessionsLive  = "nport_sessions_live"
	SessionsEnded = "nport_sessions_ended_total"
	SessionBytes  = "nport_session_bytes_total"
	SessionSetup  = "nport_session_setup_seconds"
)

// Directions of a session's bytes, as the label direction says them.
const (
	ClientToDaemon = "client_to_daemon"
	DaemonToClient = "daemon_to_client"
)

// Parties are who a session joins, for the status page.
type Parties struct {
	// Client is the identity that asked for the session.
	Client string
	// Daemon is the device's identity and Device its name, when known.
	Daemon, Device string
	// Target is what the daemon connects the session to, when known.
	Target string
}

// Bytes reports how many bytes a live session moved so far each way:
// client to daemon, then daemon to client.
type Bytes func() (clientToDaemon, daemonToClient int64)

// Session is one live session. Its methods may be called on nil.
type Session struct {
	r       *Registry
	id      string // short form only
	parties Parties
	started time.Time
	bytes   Bytes
	end     sync.Once

	// the bytes at the latest history sample, for the rate
	sampled   [2]int64
	sampledAt time.Time
}

// Start counts a session that is now live: its two sides are joined,
// setup after it was asked for. bytes, which may be nil, tells what it
// moved; it is read at scrapes, so totals include live sessions.
func (r *Registry) Start(id session.ID, parties Parties, setup time.Duration, bytes Bytes) *Session {
	if r == nil {
		return nil
	}
	if bytes == nil {
		bytes = func() (int64, int64) { return 0, 0 }
	}
	now := r.now()
	s := &Session{r: r, id: id.Short(), parties: parties, started: now, bytes: bytes, sampledAt: now}
	r.Inc(SessionsTotal)
	r.Observe(SessionSetup, setup)
	r.mu.Lock()
	s.parties = r.takeExpected(id, parties)
	r.live[s] = struct{}{}
	r.mu.Unlock()
	return s
}

// End counts the end of the session, for reason (closed, idle, …).
func (s *Session) End(reason string) {
	if s == nil {
		return
	}
	s.end.Do(func() {
		r := s.r
		a, b := s.bytes()
		r.mu.Lock()
		delete(r.live, s)
		r.ended[0] += a
		r.ended[1] += b
		r.mu.Unlock()
		r.Inc(Name(SessionsEnded, "reason", reason))
	})
}

// totals returns the bytes of every session so far, live ones included.
func (r *Registry) totals() (c2d, d2c int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c2d, d2c = r.ended[0], r.ended[1]
	for s := range r.live {
		a, b := s.bytes()
		c2d += a
		d2c += b
	}
	return c2d, d2c
}

// liveCount returns the number of live sessions.
func (r *Registry) liveCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.live)
}

// sessionGauges registers the metrics of the live sessions.
func (r *Registry) sessionGauges() {
	r.Gauge(SessionsLive, func() float64 { return float64(r.liveCount()) })
	r.CounterFunc(Name(SessionBytes, "direction", ClientToDaemon), func() float64 { a, _ := r.totals(); return float64(a) })
	r.CounterFunc(Name(SessionBytes, "direction", DaemonToClient), func() float64 { _, b := r.totals(); return float64(b) })
	r.set.counter(SessionsTotal)
}
