package relay

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/fair"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/admission"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// server is a running relay: the listener's loop and every socket it
// accepted.
type server struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	dir    directory.Directory
	router route.Router
	claims *claim.Policy
	// available returns an error while the backend cannot route (a
	// cluster whose NATS is unreachable); nil means always available.
	available func() error
	buckets   *buckets
	budget    *fair.Budget // bytes waiting for all connections together
	accept    relayconn.ServerConfig
	gate      *admission.Gate   // the sockets in their handshake
	obs       *metrics.Registry // nil when --metrics is off

	conns     atomic.Int64  // sockets open, in the handshake or live
	rejecters chan struct{} // bounds the goroutines that refuse sockets past the limit

	mu      sync.Mutex
	sockets map[net.Conn]struct{} // closed on shutdown
	wg      sync.WaitGroup        // every goroutine the server started
}

// maxRejecters bounds the sockets refused politely at once; past it,
// sockets over the limit are closed without a word.
const maxRejecters = 64

func newServer(cfg Config, id identity.Identity, b *backend, claims *claim.Policy) *server {
	s := &server{
		cfg:       cfg,
		log:       cfg.Logger,
		now:       cfg.Now,
		dir:       b.names,
		router:    b.router,
		claims:    claims,
		available: b.available,
		buckets:   newBuckets(cfg.Rate, cfg.Burst, b.share),
		budget:    fair.NewBudget(int64(cfg.SendMemory)),
		rejecters: make(chan struct{}, maxRejecters),
		sockets:   make(map[net.Conn]struct{}),
	}
	s.gate = admission.New(admission.Config{
		Max:       min(cfg.MaxHandshakes, cfg.MaxConnections),
		PerSource: cfg.MaxHandshakesPerSource,
		Grace:     cfg.HandshakeGrace,
	})
	if s.now == nil {
		s.now = time.Now
	}
	s.accept = relayconn.ServerConfig{
		Key: id.Key,
		Welcome: wire.Welcome{
			KeepaliveMillis: uint32(cfg.Keepalive / time.Millisecond),
			MaxFrame:        wire.MaxFrameSize,
		},
		Timeout: cfg.HandshakeTimeout,
	}
	return s
}

// serve accepts sockets until ctx is cancelled or the listener fails,
// then closes every socket and waits for their goroutines.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	err := s.acceptLoop(ctx, ln)
	ln.Close()
	s.closeAll()
	s.wg.Wait()
	if ctx.Err() != nil {
		s.log.Info("relay stopped")
		return nil
	}
	return err
}

func (s *server) acceptLoop(ctx context.Context, ln net.Listener) error {
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors and the like: wait a little rather
			// than spin, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed", "err", err, "retry", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		backoff = 0
		s.admit(ctx, nc)
	}
}

// admit starts the goroutine of a new socket, or turns it away at the
// connection limit or the limits on handshakes (see core/admission).
func (s *server) admit(ctx context.Context, nc net.Conn) {
	if s.conns.Add(1) > int64(s.cfg.MaxConnections) {
		s.conns.Add(-1)
		s.obs.Refuse(wire.RefuseLimit.String(), "max-connections", nc.RemoteAddr().String(), "connection limit reached")
		s.reject(ctx, nc)
		return
	}
	t, err := s.gate.Admit(nc)
	if err != nil {
		s.conns.Add(-1)
		s.obs.Inc(connRefused)
		s.log.Debug("socket refused", "remote", nc.RemoteAddr().String(), "err", err)
		return
	}
	s.obs.Inc(connAccepted)
	s.track(nc)
	s.wg.Go(func() {
		defer s.conns.Add(-1)
		defer s.untrack(nc)
		s.handle(ctx, nc, t)
	})
}

// reject refuses a socket past the connection limit, with a Refuse when
// few are being refused already.
func (s *server) reject(ctx context.Context, nc net.Conn) {
	select {
	case s.rejecters <- struct{}{}:
	default:
		nc.Close()
		return
	}
	s.log.Warn("connection limit reached: refusing a client", "remote", nc.RemoteAddr().String(), "max", s.cfg.MaxConnections)
	s.track(nc)
	s.wg.Go(func() {
		defer func() { <-s.rejecters }()
		defer s.untrack(nc)
		msg := "this relay has reached its connection limit; try again later"
		relayconn.Reject(ctx, nc, wire.Refusal{Code: wire.RefuseLimit, Message: msg}, min(s.cfg.HandshakeTimeout, 2*time.Second))
	})
}

// handle runs one socket from its handshake to its end. The identity's
// peer is attached to the router when its claim succeeds, just before
// Welcome (see peer).
func (s *server) handle(ctx context.Context, nc net.Conn, t *admission.Ticket) {
	var p *peer
	cfg := s.accept
	cfg.Progress = t.Touch
	cfg.Claim = func(cl relayconn.Claim) error {
		if err := s.routable(); err != nil {
			s.obs.Refuse("unavailable", "", string(cl.Name), err.Error())
			return err
		}
		if err := s.claims.Claim(cl); err != nil {
			s.refusedClaim(cl, err)
			return err // a refusal the policy has logged
		}
		s.obs.Inc(claimOK)
		// Proved and claimed: no longer a stranger's socket to shed, and
		// done before Welcome, so a welcomed client never counts.
		t.Done()
		p = newPeer(s, cl)
		s.router.Attach(cl.Name, p)
		return nil
	}
	c, err := relayconn.Accept(ctx, nc, cfg)
	t.Done()
	if err != nil {
		if p != nil {
			p.release()
			p.requeue()
		}
		s.obs.Inc(handshakeResult(t.Shed()))
		switch {
		case t.Shed():
			s.log.Debug("socket shed: too many handshakes in progress", "remote", nc.RemoteAddr().String())
		case ctx.Err() == nil:
			s.log.Debug("handshake failed", "remote", nc.RemoteAddr().String(), "err", err)
		}
		return
	}
	s.obs.Inc(handshakeOK)
	p.run(c)
}

// routable refuses a client while the backend cannot route, rather than
// welcome it to a relay that would drop everything it sends.
func (s *server) routable() error {
	if s.available == nil {
		return nil
	}
	if err := s.available(); err != nil {
		return wire.Refusal{Code: wire.RefuseUnknown, Message: "this relay has lost its cluster (NATS) and cannot route: connect to another relay of the cluster, or try again shortly"}
	}
	return nil
}

func (s *server) track(nc net.Conn) {
	s.mu.Lock()
	s.sockets[nc] = struct{}{}
	s.mu.Unlock()
}

func (s *server) untrack(nc net.Conn) {
	s.mu.Lock()
	delete(s.sockets, nc)
	s.mu.Unlock()
	nc.Close()
}

// closeAll closes every socket, which ends the goroutine of each.
func (s *server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for nc := range s.sockets {
		nc.Close()
	}
}
