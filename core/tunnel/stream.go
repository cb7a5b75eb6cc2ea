package tunnel

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// stream is one connection inside the tunnel, as a net.Conn that can
// half-close. It reports the tunnel's error, not a clean EOF, when the
// tunnel dies under it, and keeps the tunnel's counters.
type stream struct {
	halfConn
	t         *Tunnel
	readEnded atomic.Bool // Read returned the peer's EOF
	closeOnce sync.Once
}

// wrap counts a new stream and wraps it.
func (t *Tunnel) wrap(s halfConn) *stream {
	t.stats.streams.Add(1)
	t.idle.opened()
	return &stream{halfConn: s, t: t}
}

// Read reads what the peer sent on this stream.
func (s *stream) Read(p []byte) (int, error) {
	n, err := s.halfConn.Read(p)
	s.t.stats.received.Add(int64(n))
	if err == io.EOF && !s.t.mux.isClosed() {
		s.readEnded.Store(true)
		return n, err
	}
	return n, s.t.streamErr(err)
}

// Write sends p to the peer on this stream.
func (s *stream) Write(p []byte) (int, error) {
	n, err := s.halfConn.Write(p)
	s.t.stats.sent.Add(int64(n))
	return n, s.t.streamErr(err)
}

// CloseWrite ends this direction; the stream stays readable until the
// peer ends its own.
func (s *stream) CloseWrite() error {
	return s.t.streamErr(s.halfConn.CloseWrite())
}

// Close ends the stream (and a one-connection tunnel with it). If the
// peer may still be sending on a multiplexed stream, what it sends is read
// and dropped until it ends too: yamux cannot reset a stream, and a peer
// whose window filled up would otherwise wait forever.
func (s *stream) Close() error {
	s.closeOnce.Do(func() {
		_ = s.halfConn.Close()
		s.t.idle.closed()
		if !s.readEnded.Load() && !s.t.mux.isClosed() {
			// Neither the bytes nor how they end are of interest.
			go io.Copy(io.Discard, s.halfConn)
		}
	})
	return nil
}

// streamErr turns an error of a stream whose tunnel has ended into the
// tunnel's reason, so that the local end of a bridge hears why rather than
// a bare "session shutdown" or, worse, an EOF.
func (t *Tunnel) streamErr(err error) error {
	if err == nil || !t.mux.isClosed() {
		return err
	}
	if errors.Is(err, io.EOF) || t.mux.ended(err) {
		return fmt.Errorf("tunnel stream cut: %w", t.endErr())
	}
	return err
}
