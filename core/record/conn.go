package record

import (
	"crypto/cipher"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// endTimeout bounds how long Close waits to send the end-of-stream record
// to a peer that has stopped reading.
const endTimeout = 5 * time.Second

// Conn is one end of a tunnel's record stream, over the socket that the
// rendezvous bridges. It is a net.Conn: Read returns the peer's plaintext,
// Write seals into records. One Read and one Write may run at once;
// concurrent Writes are serialized, each one's bytes kept together.
type Conn struct {
	conn net.Conn
	in   inbound
	out  outbound

	closeOnce sync.Once
	closeErr  error
	closing   atomic.Bool // Close was called
	broken    atomic.Bool // a tampered record closed conn
}

// inbound is the receiving direction. Its buffer holds raw bytes from the
// socket, buf[:have]; the record at its start is opened in place, and
// plain is what the caller has not read of it yet.
type inbound struct {
	mu    sync.Mutex
	aead  cipher.AEAD
	seq   uint64
	nonce [wire.RecordNonceLen]byte // a field, not a local: passing it to the AEAD would escape
	buf   [maxRecordLen]byte
	have  int    // bytes of buf filled from the socket
	used  int    // bytes of buf taken by the record plain points into
	plain []byte // opened and not yet returned
	err   error  // sticky: the stream is over
}

// outbound is the sending direction. Each record is sealed straight into
// buf behind its header and written with one call.
type outbound struct {
	mu    sync.Mutex
	aead  cipher.AEAD
	seq   uint64
	nonce [wire.RecordNonceLen]byte
	buf   [maxRecordLen]byte
	err   error // sticky: a record went out partly, or the stream was ended
}

// New starts the record layer over conn with cipher c. local is this
// end's ephemeral key and peer the other end's, both exchanged inside
// authenticated messages, as was the cipher; id is the session id. Only
// the derived keys are kept.
func New(conn net.Conn, c Cipher, role Role, local identity.PrivateKey, peer identity.PublicKey, id session.ID) (*Conn, error) {
	seal, open, err := directionKeys(c, role, local, peer, id)
	if err != nil {
		return nil, err
	}
	return newConn(conn, seal, open), nil
}

// newConn builds a Conn from its two AEADs. Both buffers are allocated
// here, with the Conn, and reused for every record.
func newConn(conn net.Conn, seal, open cipher.AEAD) *Conn {
	c := &Conn{conn: conn}
	c.out.aead = seal
	c.in.aead = open
	return c
}

// CloseWrite sends the end-of-stream record, then half-closes the
// underlying connection if it can (TCP can). Reading goes on until the
// peer ends its own stream.
func (c *Conn) CloseWrite() error {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	if err := c.endStreamLocked(); err != nil {
		return err
	}
	if cw, ok := c.conn.(interface{ CloseWrite() error }); ok {
		if err := cw.CloseWrite(); err != nil {
			return fmt.Errorf("record: half-close the connection: %w", err)
		}
	}
	return nil
}

// Close sends the end-of-stream record unless a Write is in flight (a
// Close during a Write is there to break it, and must not wait for it),
// then closes the underlying connection.
func (c *Conn) Close() error {
	if c.closing.Swap(true) {
		return fmt.Errorf("record: close: %w", net.ErrClosed)
	}
	var endErr error
	if !c.broken.Load() && c.out.mu.TryLock() {
		if c.out.err == nil {
			_ = c.conn.SetWriteDeadline(time.Now().Add(endTimeout))
			endErr = c.endStreamLocked()
		}
		c.out.mu.Unlock()
	}
	if err := c.shutdown(); err != nil {
		return fmt.Errorf("record: close: %w", err)
	}
	if endErr != nil {
		return fmt.Errorf("record: close: the peer may see a cut stream: %w", endErr)
	}
	return nil
}

// Abort closes the underlying connection at once, without the
// end-of-stream record: a peer that has not had it (CloseWrite sends it)
// sees the stream cut, which is the truth when this end gives up in the
// middle of it.
func (c *Conn) Abort() error {
	c.closing.Store(true)
	return c.shutdown()
}

// shutdown closes the underlying connection once, for Close or after a
// tampered record.
func (c *Conn) shutdown() error {
	c.closeOnce.Do(func() { c.closeErr = c.conn.Close() })
	return c.closeErr
}

// LocalAddr returns the underlying connection's local address.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the underlying connection's remote address: the
// rendezvous, not the peer.
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the underlying connection's deadlines. A Read that
// times out keeps what it has of a record and can be retried; a Write
// that times out may have sent part of one, and ends the stream.
func (c *Conn) SetDeadline(t time.Time) error { return c.conn.SetDeadline(t) }

// SetReadDeadline sets the underlying connection's read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the underlying connection's write deadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.conn.SetWriteDeadline(t) }
