package tunnel

import (
	"errors"
	"fmt"
	"net"

	"github.com/hashicorp/yamux"
)

// carrier carries a tunnel's streams over its record stream: a
// multiplexer for any number of them, or, for a tunnel that carries one
// connection, the record stream itself (single.go).
type carrier interface {
	// open opens a stream to the other end (the client's side).
	open() (halfConn, error)
	// accept waits for a stream the other end opened (the daemon's side).
	accept() (halfConn, error)
	// close ends the carrier and every stream; it is safe to call twice.
	close() error
	// closed is closed once the carrier has ended, for whatever reason.
	closed() <-chan struct{}
	// isClosed reports whether it has.
	isClosed() bool
	// reason says why it ended when neither the record stream nor this
	// end said so first.
	reason() error
	// ended reports whether err of a stream means the carrier ended
	// under it, rather than the stream's own end.
	ended(err error) bool
}

// halfConn is a stream: a connection whose write side can end alone.
type halfConn interface {
	net.Conn
	CloseWrite() error
}

// muxCarrier is the yamux multiplexer.
type muxCarrier struct{ s *yamux.Session }

func (m muxCarrier) open() (halfConn, error) {
	s, err := m.s.OpenStream()
	if err != nil {
		return nil, err
	}
	return muxStream{s}, nil
}

func (m muxCarrier) accept() (halfConn, error) {
	s, err := m.s.AcceptStream()
	if err != nil {
		return nil, err
	}
	return muxStream{s}, nil
}

func (m muxCarrier) close() error            { return m.s.Close() }
func (m muxCarrier) closed() <-chan struct{} { return m.s.CloseChan() }
func (m muxCarrier) isClosed() bool          { return m.s.IsClosed() }

func (m muxCarrier) ended(err error) bool {
	return errors.Is(err, yamux.ErrSessionShutdown) || errors.Is(err, yamux.ErrStreamClosed)
}

// reason is why the multiplexer ended: a keepalive or a stream open went
// unanswered, or the peer broke the multiplexer's protocol. yamux only
// tells it through AcceptStream, which streams still in its backlog may
// answer first.
func (m muxCarrier) reason() error {
	for {
		s, err := m.s.AcceptStream()
		if err == nil {
			_ = s.Close()
			continue
		}
		switch {
		case errors.Is(err, yamux.ErrKeepAliveTimeout):
			return fmt.Errorf("the other end did not answer keepalives within %s (is the path through the rendezvous down?): %w", writeTimeout, ErrKeepalive)
		case errors.Is(err, yamux.ErrSessionShutdown):
			return fmt.Errorf("tunnel: the multiplexer shut down (a stream open went unanswered for %s?)", openTimeout)
		}
		return fmt.Errorf("tunnel: multiplexer: %w", err)
	}
}

// muxStream is a yamux stream, whose Close sends FIN and leaves it
// readable: that is its half-close.
type muxStream struct{ *yamux.Stream }

func (s muxStream) CloseWrite() error { return s.Stream.Close() }
