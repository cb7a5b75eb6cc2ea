package pairing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
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

// start serves c in a new goroutine, once the gate has seated it among
// the sockets in their handshake (or turned it away, telling it why).
func (s *Server) start(ctx context.Context, c net.Conn) {
	t, err := s.gate.Admit(c)
	if err != nil {
		s.log.Debug("socket refused", "remote", c.RemoteAddr().String(), "err", err)
		return
	}
	s.wg.Go(func() { s.serveConn(ctx, c, t) })
}

// shutdown marks the server closed and ends the sessions no goroutine
// holds: those still pending. Sessions with a socket end with it.
func (s *Server) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.stopReclaimLocked()
	for _, e := range s.sessions {
		if e.state == statePending {
			s.removeLocked(e)
		}
	}
}
