package pairing

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// Errors of Open, checked with errors.Is.
var (
	// ErrLimit is wrapped by both limit errors: the server or the
	// requester holds as many sessions as it may.
	ErrLimit = errors.New("pairing: session limit")
	// ErrServerFull means the server holds MaxSessions sessions.
	ErrServerFull = fmt.Errorf("%w: the rendezvous is full", ErrLimit)
	// ErrIdentityFull means the requester holds MaxSessionsPerIdentity.
	ErrIdentityFull = fmt.Errorf("%w: too many sessions for this identity", ErrLimit)
	// ErrInUse means a session with this id is held already.
	ErrInUse = errors.New("pairing: session id in use")
	// ErrZeroID means the session id is the zero id.
	ErrZeroID = errors.New("pairing: zero session id")
	// ErrClosed means the server has stopped.
	ErrClosed = errors.New("pairing: the rendezvous is shutting down")
)

// Grant is what Open hands out: one token per party, to be sent to the
// requester sealed.
type Grant struct {
	// Client admits the requesting party as wire.RoleClient.
	Client session.Token
	// Daemon admits the other party as wire.RoleDaemon.
	Daemon session.Token
	// TTL is how long the session waits for both parties.
	TTL time.Duration
}

// state is where a session is in its life.
type state int

const (
	statePending state = iota // no party yet
	stateWaiting              // one party holds its socket open
	stateLive                 // paired, bridging
	stateGone                 // removed: expired, failed or ended
)

// entry is one session.
type entry struct {
	id      session.ID
	owner   identity.Name
	client  session.Token // tells the roles apart once a token redeems
	expires time.Time
	timer   *time.Timer // expires the session while unpaired
	state   state
	first   *party // the party that came first, waiting
	second  *party // the party that joined it
	opened  time.Time
	live    *metrics.Session // once paired; nil when nothing counts
}

// party is one admitted socket.
type party struct {
	conn   net.Conn
	role   wire.Role
	remote string
	stop   func() bool // disarms the close at shutdown
}

// Open creates session id for owner, the identity that asked for it, and
// returns its tokens. It refuses a zero or held id, and refuses with an
// error wrapping ErrLimit when the server or owner holds too many sessions.
func (s *Server) Open(id session.ID, owner identity.Name) (Grant, error) {
	if id.IsZero() {
		return Grant{}, ErrZeroID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return Grant{}, ErrClosed
	case s.sessions[id] != nil:
		return Grant{}, ErrInUse
	case len(s.sessions) >= s.cfg.MaxSessions:
		return Grant{}, fmt.Errorf("%w (%d sessions, live and pending)", ErrServerFull, s.cfg.MaxSessions)
	case s.owners[owner] >= s.cfg.MaxSessionsPerIdentity:
		return Grant{}, fmt.Errorf("%w (%s holds %d)", ErrIdentityFull, owner, s.cfg.MaxSessionsPerIdentity)
	}
	now := time.Now()
	g := Grant{Client: session.NewToken(), Daemon: session.NewToken(), TTL: s.cfg.SessionTTL}
	e := &entry{id: id, owner: owner, client: g.Client, expires: now.Add(g.TTL), opened: now}
	s.tokens.Issue(id, g.Client, e.expires)
	s.tokens.Issue(id, g.Daemon, e.expires)
	s.sessions[id] = e
	s.owners[owner]++
	s.grewLocked()
	e.timer = time.AfterFunc(g.TTL, func() { s.expire(e) })
	s.log.Info("session opened", "session", id.Short(), "requester", owner, "ttl", g.TTL)
	return g, nil
}

// expire ends e if it is still unpaired at its TTL: its tokens are revoked
// and a waiting party is woken to be told.
func (s *Server) expire(e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.state != statePending && (e.state != stateWaiting || e.second != nil) {
		return
	}
	waiting := e.state == stateWaiting
	s.removeLocked(e)
	if waiting {
		// The waiting goroutine sees stateGone, answers the party and
		// logs the end.
		wake(e.first.conn)
		return
	}
	s.cfg.Metrics.Inc(unpairedExpired)
	s.log.Info("session ended unpaired", "session", e.id.Short(), "requester", e.owner, "why", "expired, no party came")
}

// removeLocked forgets e: its tokens, its place in the limits, its timer.
// s.mu is held.
func (s *Server) removeLocked(e *entry) {
	if e.state == stateGone {
		return
	}
	e.state = stateGone
	e.timer.Stop()
	s.tokens.Revoke(e.id)
	delete(s.sessions, e.id)
	if s.owners[e.owner]--; s.owners[e.owner] <= 0 {
		delete(s.owners, e.owner)
	}
	s.shrankLocked()
}

// remove is removeLocked for callers that do not hold s.mu.
func (s *Server) remove(e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked(e)
}

// wake interrupts a read blocked on c: a deadline in the past makes it
// return at once, and sticks if the read has not started yet.
func wake(c net.Conn) { _ = c.SetReadDeadline(time.Unix(1, 0)) }
