package keeper

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/tunnel"
)

// JoinTimeout bounds the wait for the client at the rendezvous.
const JoinTimeout = 30 * time.Second

// Dialer connects one stream of a session to its target: a TCP
// connection, or a UDP flow carried as framed datagrams. The daemon
// supplies it, so that a kept session reaches its target by the code the
// daemon uses in-process.
type Dialer func(ctx context.Context, h *Handoff, log *slog.Logger) (net.Conn, error)

// Session is one accepted tunnel, from the join at the rendezvous to its
// end. The keeper serves its sessions with it, and so does a daemon that
// has no keeper.
type Session struct {
	h       Handoff
	key     identity.PrivateKey
	started time.Time

	mu  sync.Mutex
	tun *tunnel.Tunnel // nil until joined
}

// NewSession makes the session's ephemeral key. Its public half is what
// the daemon answers the client with.
func NewSession(h Handoff) (*Session, error) {
	key, err := identity.GenerateEphemeral()
	if err != nil {
		return nil, err
	}
	return &Session{h: h, key: key, started: time.Now()}, nil
}

// Ephemeral is the public half of the session's ephemeral key.
func (s *Session) Ephemeral() identity.PublicKey { return s.key.Public() }

// Handoff is the request the session serves.
func (s *Session) Handoff() *Handoff { return &s.h }

// Serve joins the rendezvous and serves the tunnel's streams, each to a
// new connection to the target, until the tunnel ends (the client closes
// it, its keepalives go unanswered) or ctx does. up, if not nil, is called
// once the tunnel is up.
func (s *Session) Serve(ctx context.Context, dial Dialer, log *slog.Logger, up func(*tunnel.Tunnel)) error {
	h := &s.h
	jctx, cancel := context.WithTimeout(ctx, JoinTimeout)
	conn, err := tunnel.JoinAs(jctx, h.Rendezvous, record.Daemon, h.Session, h.Token, dialer.Options{Proxy: h.Proxy})
	cancel()
	if err != nil {
		return err
	}
	tun, err := tunnel.New(conn, record.Daemon, s.key, h.Peer, h.Session, tunnel.Options{BufferSize: h.BufferSize, Logger: log, Cipher: h.Cipher, Single: h.Single})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.tun = tun
	s.mu.Unlock()
	defer tun.Close()
	if up != nil {
		up(tun)
	}
	return tun.ServeTargets(ctx, func(ctx context.Context) (net.Conn, error) { return dial(ctx, h, log) })
}

// Info describes the session now.
func (s *Session) Info() Info {
	in := Info{Session: s.h.Session, Manager: s.h.Manager, Target: s.h.Target, Protocol: s.h.Protocol, Started: s.started}
	s.mu.Lock()
	tun := s.tun
	s.mu.Unlock()
	if tun != nil {
		st := tun.Stats()
		in.Sent, in.Received, in.Streams, in.Open = st.Sent, st.Received, st.Streams, st.Open
	}
	return in
}
