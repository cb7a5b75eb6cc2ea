// Package pairing is the rendezvous's data plane: it opens sessions with
// one single-use token per party, admits on one listening port exactly the
// two sockets that present those tokens, and bridges them byte for byte.
//
// Every accepted socket is handled by its own goroutine under deadlines, so
// a silent, slow or hostile socket costs a goroutine for a few seconds and
// nothing to the sessions around it. The bytes it bridges are the parties'
// record stream: ciphertext that this package never reads, so the kernel
// can move them (splice) unless snooping asks otherwise.
package pairing

import (
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/nport/nport/core/admission"
	"github.com/nport/nport/core/bridge"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/session"
)

// Defaults of the Config fields left zero.
const (
	// DefaultMaxSessions bounds the sessions held, live and pending.
	DefaultMaxSessions = 10000
	// DefaultMaxSessionsPerIdentity bounds the sessions one requester holds.
	DefaultMaxSessionsPerIdentity = 2000
	// DefaultHandshakeTimeout is how long a socket has to send its hello.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultSessionTTL is how long a session waits for both parties.
	DefaultSessionTTL = 30 * time.Second
	// DefaultMaxHandshakes bounds the sockets that have not yet presented
	// a valid hello, so that a flood of idle connections cannot exhaust
	// the file descriptors the sessions need.
	DefaultMaxHandshakes = admission.DefaultMax
	// DefaultMaxHandshakesPerSource bounds those of one source address.
	DefaultMaxHandshakesPerSource = admission.DefaultPerSource
)

// Config tunes a Server. The zero value is ready to use.
type Config struct {
	// MaxSessions bounds the sessions held at once, live and pending
	// (DefaultMaxSessions if 0).
	MaxSessions int
	// MaxSessionsPerIdentity bounds the sessions held for one requesting
	// identity (DefaultMaxSessionsPerIdentity if 0).
	MaxSessionsPerIdentity int
	// MaxHandshakes bounds the sockets accepted but not yet admitted
	// (DefaultMaxHandshakes if 0); past it the one idle longest is shed
	// for the newcomer (see core/admission).
	MaxHandshakes int
	// MaxHandshakesPerSource bounds those from one address, IPv4 or IPv6
	// /64 (DefaultMaxHandshakesPerSource if 0); past it the newcomer takes
	// the place of one idle for HandshakeGrace, or is refused.
	MaxHandshakesPerSource int
	// HandshakeGrace is that idle time (admission.DefaultGrace if 0).
	HandshakeGrace time.Duration
	// HandshakeTimeout is how long an accepted socket has to send a valid
	// hello (DefaultHandshakeTimeout if 0).
	HandshakeTimeout time.Duration
	// SessionTTL is how long an opened session waits for both parties
	// before its tokens are revoked (DefaultSessionTTL if 0).
	SessionTTL time.Duration
	// IdleTimeout closes a paired session when no byte moved either way
	// for this long; 0 never does.
	IdleTimeout time.Duration
	// Snoop logs, per session, the first bytes each way in hex. The copy
	// then goes through pooled buffers rather than splice.
	Snoop bool
	// Pool supplies the copy buffers of the pooled path; nil means the
	// bridge's shared pool.
	Pool *bridge.Pool
	// Logger receives the server's events; nil discards them.
	Logger *slog.Logger
	// Metrics counts the sessions and sockets; nil counts nothing.
	Metrics *metrics.Registry
}

// withDefaults fills in the zero fields of c; the gate fills in those of
// the handshakes.
func (c Config) withDefaults() Config {
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.MaxSessionsPerIdentity <= 0 {
		c.MaxSessionsPerIdentity = DefaultMaxSessionsPerIdentity
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Server holds the sessions and serves their sockets. Open may be called
// from any goroutine, before and while Serve runs.
type Server struct {
	cfg    Config
	log    *slog.Logger
	tokens *session.Tokens
	gate   *admission.Gate // the sockets accepted, not yet admitted

	mu       sync.Mutex
	sessions map[session.ID]*entry
	owners   map[identity.Name]int // sessions held per requester
	closed   bool                  // Serve has ended: nothing opens any more
	reclaim  reclaimer             // when to give memory back

	wg sync.WaitGroup // every socket goroutine
}

// New returns a Server with no session.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:    cfg,
		log:    cfg.Logger,
		tokens: session.NewTokens(),
		gate: admission.New(admission.Config{
			Max: cfg.MaxHandshakes, PerSource: cfg.MaxHandshakesPerSource, Grace: cfg.HandshakeGrace,
		}),
		sessions: make(map[session.ID]*entry),
		owners:   make(map[identity.Name]int),
		reclaim:  reclaimer{free: debug.FreeOSMemory},
	}
	return s
}

// Len returns how many sessions are held, live and pending.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Live returns how many sessions are paired and bridging.
func (s *Server) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.sessions {
		if e.state == stateLive {
			n++
		}
	}
	return n
}

// Handshakes returns the counters of the sockets in their handshake: how
// many are pending, shed and refused.
func (s *Server) Handshakes() admission.Stats { return s.gate.Stats() }
