package tunnel

import (
	"errors"
	"io"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nport/nport/core/record"
)

// watchedConn is the record stream as the multiplexer sees it. It records
// the first error of the socket as the tunnel's reason to end, before the
// multiplexer turns it into a shutdown that no longer says why. Errors
// after the multiplexer closed the socket are consequences, not reasons.
type watchedConn struct {
	*record.Conn
	t      *Tunnel
	closed atomic.Bool

	// single: the record stream is the tunnel's one connection, whose
	// end-of-stream is a half-close, not the end of the tunnel.
	single    bool
	peerEnded atomic.Bool // the peer's end-of-stream record came
}

// Read reads plaintext, noting why the stream ended if it did.
func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && !c.closed.Load() {
		if errors.Is(err, io.EOF) {
			c.peerEnded.Store(true)
			if !c.single {
				c.t.fail(ErrPeerClosed)
			}
		} else {
			c.t.fail(err) // the record layer's errors say what happened
		}
	}
	return n, err
}

// Write seals p, noting why the stream ended if it did. In a tunnel of one
// connection whose peer has ended its direction, a write that finds the
// peer's socket closed means the peer closed the tunnel after its last
// word (ssh exits once it has what it wants), not that it was cut.
func (c *watchedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil && !c.closed.Load() {
		if c.single && c.peerEnded.Load() && peerGone(err) {
			c.t.fail(ErrPeerClosed)
		} else {
			c.t.fail(err)
		}
	}
	return n, err
}

// peerGone reports whether a write failed because the other side closed
// its socket: the rendezvous passes the peer's close on.
func peerGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// Close sends the end-of-stream record and closes the socket. Unlike
// record.Conn.Close, it waits for a record being written, for at most
// endTimeout: the multiplexer closes while its send loop may be writing,
// and the peer should see a clean end, not a cut, when this end closes on
// purpose.
func (c *watchedConn) Close() error {
	c.closed.Store(true)
	_ = c.Conn.SetWriteDeadline(time.Now().Add(endTimeout))
	_ = c.Conn.CloseWrite() // fails at once if the stream is already broken
	return c.Conn.Close()
}
