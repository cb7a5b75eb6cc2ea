package tunnel

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/nport/nport/core/bridge"
)

// ServeStdio carries one stream over r and w, for ssh's ProxyCommand: what
// r gives goes to the other end, and what comes back is written to w. It
// returns once both directions have reached EOF, or when ctx ends or the
// tunnel does, and ends the tunnel: nil after a clean end, else why.
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
	up := make(chan error, 1)
	go func() { up <- t.copyStdin(s, r) }()
	err = t.copyStdout(w, s)
	if err == nil {
		// The other end is done sending; wait for this one.
		select {
		case err = <-up:
		case <-t.done:
		}
	}
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
