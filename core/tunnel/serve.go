package tunnel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/nport/nport/core/bridge"
)

// targetDialTimeout bounds the daemon's dial of its target for one
// stream, so a target that does not answer fails the connection quickly.
const targetDialTimeout = 10 * time.Second

// acceptRetry is the pause after a failed Accept that did not close the
// listener (too many open files, say), so the loop does not spin.
const acceptRetry = 100 * time.Millisecond

// OpenStream opens a new stream to the other end, for a caller that
// copies its own bytes. It is the client's side: the daemon accepts the
// stream and dials its target. Close the stream when done; CloseWrite (on
// the interface{ CloseWrite() error } it implements) ends this direction
// only.
func (t *Tunnel) OpenStream() (net.Conn, error) {
	s, err := t.mux.open()
	if err != nil {
		return nil, fmt.Errorf("tunnel: open a stream: %w", t.streamErr(err))
	}
	return t.wrap(s), nil
}

// ServeListener carries each connection that ln accepts through its own
// stream, until ctx ends or the tunnel does (Close, the peer, the idle
// timeout, an error). It closes ln, ends the tunnel, waits for its
// connections to close, and returns nil if the tunnel was closed on
// purpose (Close, or ln closed by the caller), else Err.
func (t *Tunnel) ServeListener(ctx context.Context, ln net.Listener) error {
	stop := t.endWith(ctx)
	defer stop()
	unblock := context.AfterFunc(t.ctx, func() { ln.Close() })
	defer unblock()

	for t.acceptLocal(ln) {
		// Each connection is served in its own goroutine.
	}
	ln.Close()
	<-t.done
	t.handlers.Wait()
	return t.result()
}

// acceptLocal accepts one local connection and starts serving it. It
// reports whether to go on.
func (t *Tunnel) acceptLocal(ln net.Listener) bool {
	c, err := ln.Accept()
	if err == nil {
		if !t.goHandler(func() { t.serveLocal(c) }) {
			c.Close()
			return false
		}
		return true
	}
	select {
	case <-t.done:
		return false
	default:
	}
	if errors.Is(err, net.ErrClosed) {
		t.closeWith(ErrClosed)
		return false
	}
	t.log.Warn("accept a local connection", slog.String("listener", ln.Addr().String()), slog.Any("error", err))
	select {
	case <-t.done:
		return false
	case <-time.After(acceptRetry):
		return true
	}
}

// serveLocal carries one local connection through a new stream.
func (t *Tunnel) serveLocal(c net.Conn) {
	s, err := t.OpenStream()
	if err != nil {
		c.Close()
		t.log.Debug("local connection dropped", slog.String("from", c.RemoteAddr().String()), slog.Any("error", err))
		return
	}
	t.bridge(c, s, "local", "tunnel")
}

// ServeTargets accepts the streams the client opens and, for each, dials
// the target with dial and bridges the two. A target that cannot be
// dialled closes its stream only. It returns when ctx ends or the tunnel
// does, once every stream has closed: nil if the tunnel was closed on
// purpose, else Err (ErrPeerClosed when the client ended the session).
func (t *Tunnel) ServeTargets(ctx context.Context, dial func(ctx context.Context) (net.Conn, error)) error {
	stop := t.endWith(ctx)
	defer stop()

	for {
		s, err := t.mux.accept()
		if err != nil {
			if t.mux.isClosed() {
				break
			}
			// Acknowledging the stream timed out; the next may fare better.
			t.log.Debug("accept a stream", slog.Any("error", err))
			continue
		}
		st := t.wrap(s)
		if !t.goHandler(func() { t.serveTarget(st, dial) }) {
			st.Close()
			break
		}
	}
	<-t.done
	t.handlers.Wait()
	return t.result()
}

// serveTarget dials the target for one stream and bridges them.
func (t *Tunnel) serveTarget(s *stream, dial func(ctx context.Context) (net.Conn, error)) {
	ctx, cancel := context.WithTimeout(t.ctx, targetDialTimeout)
	target, err := dial(ctx)
	cancel()
	if err != nil {
		s.Close()
		t.log.Warn("target unreachable: stream closed", slog.Any("error", err))
		return
	}
	t.bridge(s, target, "tunnel", "target")
}

// bridge copies between a and b until both directions end, or the tunnel
// does.
func (t *Tunnel) bridge(a, b net.Conn, aName, bName string) {
	st, err := bridge.Join(t.ctx, bridge.Config{Pool: t.pool, AName: aName, BName: bName}, a, b)
	if err != nil {
		t.log.Debug("connection ended", slog.Any("bytes", st), slog.Any("error", err))
		return
	}
	t.log.Debug("connection closed", slog.Any("bytes", st))
}

// endWith ends the tunnel when ctx ends, until the returned stop is
// called.
func (t *Tunnel) endWith(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		t.closeWith(fmt.Errorf("%w: %w", ErrStopped, context.Cause(ctx)))
	})
}
