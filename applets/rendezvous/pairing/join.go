package pairing

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/nport/nport/core/admission"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// serveConn takes one accepted socket through its hello. The first party
// of a session stays here, holding its socket, until the second comes and
// the bridge runs; the second hands its socket over and returns.
func (s *Server) serveConn(ctx context.Context, c net.Conn, t *admission.Ticket) {
	p := &party{conn: c, remote: c.RemoteAddr().String()}
	p.stop = context.AfterFunc(ctx, func() { _ = c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	h, r := readHello(c, s.cfg.HandshakeTimeout)
	if r == nil {
		// Before the token is redeemed: from here on the gate cannot shed
		// the socket, and if it did just now, the token is still good for
		// the reconnection the party was told to make.
		t.Done()
	}
	if t.Shed() {
		// The gate told it why and closed it.
		s.log.Debug("socket shed: too many handshakes in progress", "remote", p.remote)
		p.stop()
		return
	}
	var e *entry
	first := false
	if r == nil {
		e, first, r = s.admit(h, p)
	}
	if r == nil {
		s.cfg.Metrics.Inc(handshakeOK)
	}
	if r != nil {
		s.logRefusal(p, r)
		p.stop()
		refuse(c, r)
		// Counted until closed: a refused socket lingers for a moment.
		t.Done()
		return
	}
	if first {
		s.log.Debug("party waiting for its peer", "session", e.id.Short(), "role", p.role, "remote", p.remote)
		s.wait(ctx, e, p)
	}
}

// admit redeems the hello's token and seats p in its session: as the first
// party, which then waits, or as the second, which wakes the first. Both
// happen under s.mu, so an expiry cannot fall between them.
func (s *Server) admit(h wire.RendezvousHello, p *party) (e *entry, first bool, r *refusal) {
	id, tok := session.ID(h.Session), session.TokenFromRaw(h.Token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.tokens.Redeem(id, tok, time.Now()); err != nil {
		return nil, false, badToken
	}
	e = s.sessions[id]
	if e == nil {
		// Tokens are revoked with their session under s.mu: unreachable.
		return nil, false, badToken
	}
	p.role = wire.RoleDaemon
	if tok.Equal(e.client) {
		p.role = wire.RoleClient
	}
	switch e.state {
	case statePending:
		e.state, e.first = stateWaiting, p
		// Held until the session expires; the second party or the
		// expiry interrupts the wait sooner.
		_ = p.conn.SetReadDeadline(e.expires)
		return e, true, nil
	case stateWaiting:
		e.second = p
		e.timer.Stop()
		wake(e.first.conn)
		return e, false, nil
	}
	return nil, false, badToken
}

// logRefusal logs a turned-away socket. Peers that speak the protocol
// are logged at info; strays and scanners at debug, so that a flood of
// them cannot flood the log.
func (s *Server) logRefusal(p *party, r *refusal) {
	level := slog.LevelDebug
	if r.code == wire.RefuseBadToken || r.code == wire.RefuseVersion {
		level = slog.LevelInfo
	}
	code := r.code.String()
	if r.silent {
		code = "none"
	}
	s.log.Log(context.Background(), level, "socket refused", "remote", p.remote, "code", code, "why", r.msg)
	s.cfg.Metrics.Refuse(code, "", p.remote, r.msg)
}

// wait holds the first party's socket until the second comes, the session
// expires, the party leaves or the server stops. The party sends nothing
// before RendezvousPaired, so the read only returns through a wake, the
// deadline, an EOF or a protocol breach.
func (s *Server) wait(ctx context.Context, e *entry, first *party) {
	var one [1]byte
	n, err := first.conn.Read(one[:])
	s.mu.Lock()
	second := e.second
	mine, peer, why := s.settle(ctx, e, n, err)
	s.mu.Unlock()
	if mine == nil {
		s.pair(ctx, e)
		return
	}
	s.log.Info("session ended unpaired", "session", e.id.Short(), "requester", e.owner, "why", why)
	first.stop()
	refuse(first.conn, mine)
	if second != nil {
		second.stop()
		refuse(second.conn, peer)
	}
}

// settle decides how a wait ended: nil refusals mean paired (e is live),
// otherwise e is removed and mine and peer are what the first and second
// party are told. s.mu is held.
func (s *Server) settle(ctx context.Context, e *entry, n int, err error) (mine, peer *refusal, why string) {
	peer = &refusal{code: wire.RefuseTimeout, msg: "the other party of this session left"}
	switch {
	case ctx.Err() != nil:
		mine, peer, why = shuttingDown, shuttingDown, "shutdown"
	case n > 0:
		mine, why = &refusal{code: wire.RefuseMalformed, msg: "sent data before rendezvous-paired"}, "the first party broke the protocol"
	case e.state == stateGone, e.second == nil && isTimeout(err):
		mine = &refusal{code: wire.RefuseTimeout, msg: fmt.Sprintf("the other party did not come within %s", s.cfg.SessionTTL)}
		why = "expired"
	case e.second == nil:
		mine, why = &refusal{silent: true}, "the first party left"
	case !isTimeout(err):
		mine, why = &refusal{silent: true}, "the first party left as the second came"
	default:
		e.state = stateLive
		return nil, nil, ""
	}
	s.removeLocked(e)
	return mine, peer, why
}

// shuttingDown is what every socket still open is told at shutdown.
var shuttingDown = &refusal{code: wire.RefuseUnknown, msg: "the rendezvous is shutting down"}
