package pairing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nport/nport/wire"
)

// Accept retry delays after a failed Accept (out of file descriptors, say).
const (
	minAcceptDelay = 5 * time.Millisecond
	maxAcceptDelay = time.Second
)

// Serve accepts the parties' sockets on ln until ctx ends, then closes ln
// and every socket, ends every session, and returns once every goroutine
// it started has returned. It returns nil when ctx ended, an error if ln
// was closed under it. Serve may be called once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	err := s.acceptLoop(ctx, ln)
	cancel()
	stop()
	s.shutdown()
	s.wg.Wait()
	return err
}

// acceptLoop hands every accepted socket to its own goroutine. It never
// waits on a socket, so no peer can slow the admission of others.
func (s *Server) acceptLoop(ctx context.Context, ln net.Listener) error {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err == nil {
			delay = 0
			s.start(ctx, c)
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("rendezvous listener closed: %w", err)
		}
		delay = min(max(2*delay, minAcceptDelay), maxAcceptDelay)
		s.log.Warn("accept failed; retrying", "err", err, "retry_in", delay)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil
		}
	}
}

// start serves c in a new goroutine, or refuses it at once when too many
// sockets are still in their handshake.
func (s *Server) start(ctx context.Context, c net.Conn) {
	s.mu.Lock()
	full := s.handshakes >= s.cfg.MaxHandshakes
	if !full {
		s.handshakes++
	}
	s.mu.Unlock()
	if full {
		s.log.Debug("socket refused: too many handshakes in progress", "remote", c.RemoteAddr(), "max", s.cfg.MaxHandshakes)
		frame, _ := wire.AppendPayload(nil, wire.Refusal{Code: wire.RefuseLimit, Message: "too many connections in progress: try again shortly"})
		// A fresh socket's buffer is empty, so this write does not wait;
		// the deadline makes sure of it.
		_ = c.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
		_, _ = c.Write(frame)
		_ = c.Close()
		return
	}
	s.wg.Go(func() { s.serveConn(ctx, c) })
}

// shutdown marks the server closed and ends the sessions no goroutine
// holds: those still pending. Sessions with a socket end with it.
func (s *Server) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, e := range s.sessions {
		if e.state == statePending {
			s.removeLocked(e)
		}
	}
}
