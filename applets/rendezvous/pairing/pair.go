package pairing

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/nport/nport/core/bridge"
	"github.com/nport/nport/wire"
)

// pair tells both parties of e that they are paired, then bridges them
// until the session ends. The sockets are passed to the bridge as they
// came from the listener, so that two TCP sockets take the splice path.
func (s *Server) pair(ctx context.Context, e *entry) {
	client, daemon := e.first, e.second
	if client.role != wire.RoleClient {
		client, daemon = daemon, client
	}
	// From here on the bridge closes the sockets when ctx ends.
	client.stop()
	daemon.stop()
	err := sendPaired(client, s.cfg.HandshakeTimeout)
	if err == nil {
		err = sendPaired(daemon, s.cfg.HandshakeTimeout)
	}
	if err != nil {
		_ = client.conn.Close()
		_ = daemon.conn.Close()
		s.remove(e)
		s.cfg.Metrics.Inc(unpairedFailed)
		s.log.Info("session ended unpaired", "session", e.id.Short(), "requester", e.owner, "why", err)
		return
	}
	s.log.Info("session paired", "session", e.id.Short(), "requester", e.owner,
		"client", client.remote, "daemon", daemon.remote, "after", time.Since(e.opened).Round(time.Millisecond))
	start := time.Now()
	stats, err := s.bridge(ctx, e, client.conn, daemon.conn)
	s.remove(e)
	e.live.End(endReason(ctx, err))
	s.log.Info("session ended", "session", e.id.Short(), "requester", e.owner,
		"client_to_daemon", stats.AToB, "daemon_to_client", stats.BToA, "spliced", stats.Spliced,
		"duration", time.Since(start).Round(time.Millisecond), "err", err)
}

// sendPaired writes RendezvousPaired with p's role, bounded by timeout.
func sendPaired(p *party, timeout time.Duration) error {
	frame, err := wire.AppendPayload(nil, wire.RendezvousPaired{Role: p.role})
	if err != nil {
		return fmt.Errorf("encode rendezvous-paired: %w", err)
	}
	_ = p.conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := p.conn.Write(frame); err != nil {
		return fmt.Errorf("tell the %s it is paired: %w", p.role, err)
	}
	return nil
}

// bridge copies between the two parties until both directions end. With
// snooping on, the sockets are wrapped, which also takes the copy off the
// splice path: the bytes must pass through nport's memory to be seen.
func (s *Server) bridge(ctx context.Context, e *entry, client, daemon net.Conn) (bridge.Stats, error) {
	cfg := bridge.Config{Pool: s.cfg.Pool, IdleTimeout: s.cfg.IdleTimeout, AName: "client", BName: "daemon"}
	if !s.cfg.Snoop {
		return s.run(ctx, e, bridge.New(cfg, client, daemon))
	}
	sc, sd := &snoopConn{Conn: client}, &snoopConn{Conn: daemon}
	stats, err := s.run(ctx, e, bridge.New(cfg, sc, sd))
	s.log.Warn("snoop", "session", e.id.Short(),
		"client_to_daemon", stats.AToB, "client_to_daemon_head", sc.hex(),
		"daemon_to_client", stats.BToA, "daemon_to_client_head", sd.hex())
	return stats, err
}
