package tunnel

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/nport/nport/core/bridge"
)

// ServeStdio carries one stream over r and w, for ssh's ProxyCommand: what
// r gives goes to the other end, and what comes back is written to w. It
// returns once both directions have reached EOF, or when ctx ends or the
// tunnel does, and ends the tunnel: nil after a clean end, else why.
//
// Once the reader of w is gone (a write to w fails, or Hangup is called,
// as ssh ends its ProxyCommand with SIGHUP right after closing its pipes),
// what r still holds is sent up to its EOF, and what comes back is read
// and dropped until the other end's EOF, for at most hangupGrace; then
// the tunnel ends cleanly. ssh is done: its last words must reach the
// other end, followed by the end-of-stream record, and the socket must
// not close with bytes unread, which would reset it and cut the other
// end short.
//
// A read of r that never returns (a terminal nobody types into) cannot be
// interrupted: after an error, ServeStdio returns without waiting for it.
func (t *Tunnel) ServeStdio(ctx context.Context, r io.Reader, w io.Writer) error {
	stop := t.endWith(ctx)
	defer stop()
	s, err := t.OpenStream()
	if err != nil {
		t.closeWith(err)
		return t.result()
	}
	out := &outputWatch{w: w, gone: make(chan struct{})}
	up := make(chan error, 1)
	go func() { up <- t.copyStdin(s, r) }()
	down := make(chan error, 1)
	go func() { down <- t.copyStdout(out, s) }()
	err = t.waitStdio(s, up, down, out.gone)
	if err == nil {
		err = ErrClosed
	}
	// The reason goes first: closing the one stream of a single tunnel
	// ends the tunnel at once, and it must end for this reason.
	t.fail(err)
	s.Close()
	t.closeWith(err)
	return t.result()
}

// Hangup tells ServeStdio that the reader of its output is gone: it ends
// the tunnel cleanly once its input has ended, as below.
func (t *Tunnel) Hangup() { t.hangupOnce.Do(func() { close(t.hangup) }) }

// hangupGrace bounds the end of a ServeStdio whose output's reader is
// gone: ssh has closed its pipe by then, so the input ends at once, and
// the other end's EOF normally comes a round trip later, once the device's
// sshd has closed. It is generous, for a busy device: closing the socket
// before that EOF, with bytes still coming, resets the connection, and a
// reset can drop the end-of-stream record before the other end reads it.
// Nobody waits for the process meanwhile: ssh has exited. (A variable, for
// the tests.)
var hangupGrace = 5 * time.Second

// waitStdio waits until both directions of s are done or the tunnel has
// ended, for at most hangupGrace once the output's reader is gone (gone,
// or t.hangup); it returns nil for a clean end of the copies.
func (t *Tunnel) waitStdio(s net.Conn, up, down <-chan error, gone <-chan struct{}) error {
	hangup := (<-chan struct{})(t.hangup)
	var grace <-chan time.Time
	for up != nil || down != nil {
		select {
		case err := <-up:
			if err != nil {
				return err
			}
			up = nil
		case err := <-down:
			if err != nil {
				return err
			}
			down = nil
		case <-gone:
			gone, hangup = nil, nil
			grace = time.After(hangupGrace)
		case <-hangup:
			gone, hangup = nil, nil
			grace = time.After(hangupGrace)
		case <-grace:
			if up != nil {
				// Input that has not ended is ended here, so the other end
				// sees this end close, not a cut.
				_ = s.(interface{ CloseWrite() error }).CloseWrite()
			}
			return nil
		case <-t.done:
			return nil
		}
	}
	return nil
}

// copyStdin sends r to the other end, then half-closes the stream so the
// other end sees EOF.
func (t *Tunnel) copyStdin(s net.Conn, r io.Reader) error {
	if err := t.copyPooled(s, r); err != nil {
		return fmt.Errorf("stdin to tunnel: %w", err)
	}
	if err := s.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		return fmt.Errorf("stdin to tunnel: end: %w", err)
	}
	return nil
}

// copyStdout writes what the other end sends to w, until it ends.
func (t *Tunnel) copyStdout(w io.Writer, s net.Conn) error {
	if err := t.copyPooled(w, s); err != nil {
		return fmt.Errorf("tunnel to stdout: %w", err)
	}
	return nil
}

// outputWatch is ServeStdio's output. Once a write to it fails, its reader
// is gone: gone is closed, and what comes after is dropped.
type outputWatch struct {
	w    io.Writer
	gone chan struct{}
	err  error
}

func (o *outputWatch) Write(p []byte) (int, error) {
	if o.err != nil {
		return len(p), nil
	}
	if _, o.err = o.w.Write(p); o.err != nil {
		close(o.gone)
	}
	return len(p), nil
}

// copyPooled copies src to dst through a buffer of the tunnel's pool. The
// wrappers hide ReadFrom and WriteTo: *os.File has both, and either would
// fall back to a fresh buffer for a copy it cannot hand to the kernel.
func (t *Tunnel) copyPooled(dst io.Writer, src io.Reader) error {
	pool := t.pool
	if pool == nil {
		pool = stdioPool
	}
	bp := pool.Get()
	defer pool.Put(bp)
	_, err := io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, *bp)
	return err
}

// stdioPool serves ServeStdio when the Options name no buffer size.
var stdioPool, _ = bridge.NewPool(bridge.DefaultBufferSize)
