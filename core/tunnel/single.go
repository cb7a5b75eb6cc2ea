package tunnel

import (
	"errors"
	"net"
	"sync"
	"time"
)

// singleCarrier carries the one connection of a tunnel made for one (ssh
// run by the client, or a ProxyCommand): the record stream is that
// connection, with no multiplexer between, so a byte costs one record and
// no more copies, goroutines or window updates. The stream is handed out
// once; the carrier ends when the stream is closed or fails.
type singleCarrier struct {
	conn *watchedConn

	once   sync.Once // hands the stream out
	shut   sync.Once
	done   chan struct{}
	handed chan struct{} // closed once the stream is handed out
}

func newSingleCarrier(conn *watchedConn) *singleCarrier {
	return &singleCarrier{conn: conn, done: make(chan struct{}), handed: make(chan struct{})}
}

// errOneStream refuses a second stream in a tunnel made for one.
var errOneStream = errors.New("tunnel: this tunnel carries one connection, which is open already")

func (c *singleCarrier) open() (halfConn, error) { return c.take() }

// accept hands the stream out at once: the client's one connection is
// there from the start. A second accept waits for the end.
func (c *singleCarrier) accept() (halfConn, error) {
	if s, err := c.take(); err == nil {
		return s, nil
	}
	<-c.done
	return nil, net.ErrClosed
}

// take hands out the stream the first time, and refuses after.
func (c *singleCarrier) take() (halfConn, error) {
	select {
	case <-c.done:
		return nil, net.ErrClosed
	default:
	}
	var s halfConn
	c.once.Do(func() {
		s = singleStream{c}
		close(c.handed)
	})
	if s == nil {
		return nil, errOneStream
	}
	return s, nil
}

// close ends the tunnel. If the connection's write side has ended (the
// bridge half-closes it at the local end's EOF), the peer has had the
// end-of-stream record and the socket just closes; otherwise this end
// gives up in the middle, and the peer must see a cut stream, not a clean
// end it could not tell from a half-close.
func (c *singleCarrier) close() error {
	var err error
	c.shut.Do(func() {
		c.conn.closed.Store(true)
		err = c.conn.Abort()
		close(c.done)
	})
	return err
}

func (c *singleCarrier) closed() <-chan struct{} { return c.done }

func (c *singleCarrier) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// reason is why the tunnel ended when the record stream did not say:
// the one connection ended both ways, and if the peer ended its
// direction, the peer closed the tunnel as far as this end knows.
func (c *singleCarrier) reason() error {
	if c.conn.peerEnded.Load() {
		return ErrPeerClosed
	}
	return errors.New("tunnel: ended")
}

// ended: a stream error is the record stream's, which is the tunnel's.
func (c *singleCarrier) ended(err error) bool { return err != nil && !errors.Is(err, errOneStream) }

// singleStream is the record stream as the tunnel's one stream. Closing
// it ends the tunnel.
type singleStream struct{ c *singleCarrier }

func (s singleStream) Read(p []byte) (int, error)  { return s.c.conn.Read(p) }
func (s singleStream) Write(p []byte) (int, error) { return s.c.conn.Write(p) }
func (s singleStream) CloseWrite() error           { return s.c.conn.CloseWrite() }
func (s singleStream) Close() error                { return s.c.close() }
func (s singleStream) LocalAddr() net.Addr         { return s.c.conn.LocalAddr() }
func (s singleStream) RemoteAddr() net.Addr        { return s.c.conn.RemoteAddr() }

func (s singleStream) SetDeadline(t time.Time) error      { return s.c.conn.SetDeadline(t) }
func (s singleStream) SetReadDeadline(t time.Time) error  { return s.c.conn.SetReadDeadline(t) }
func (s singleStream) SetWriteDeadline(t time.Time) error { return s.c.conn.SetWriteDeadline(t) }
