package pairing

import (
	"encoding/hex"
	"errors"
	"net"
)

// snoopBytes is how much of each direction snooping keeps: enough to see
// the first record header and whether bytes look like ciphertext.
const snoopBytes = 32

// errNoHalfClose is what CloseWrite and CloseRead return when the wrapped
// connection cannot shut one side alone; the bridge then closes both.
var errNoHalfClose = errors.New("connection cannot half-close")

// snoopConn keeps the first bytes read from a connection, for --snoop.
// It embeds the net.Conn interface only, so it offers no ReadFrom or
// WriteTo that could reach the splice path. Its head is written by the one
// goroutine that reads and read after the bridge has returned.
type snoopConn struct {
	net.Conn
	head []byte
}

// Read reads from the connection and keeps the start of the stream.
func (c *snoopConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if room := snoopBytes - len(c.head); room > 0 && n > 0 {
		c.head = append(c.head, b[:min(n, room)]...)
	}
	return n, err
}

// CloseWrite passes a half-close on, so snooping keeps it working.
func (c *snoopConn) CloseWrite() error {
	if cw, ok := c.Conn.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return errNoHalfClose
}

// CloseRead passes a half-close on.
func (c *snoopConn) CloseRead() error {
	if cr, ok := c.Conn.(interface{ CloseRead() error }); ok {
		return cr.CloseRead()
	}
	return errNoHalfClose
}

// hex returns the bytes kept, in hex.
func (c *snoopConn) hex() string { return hex.EncodeToString(c.head) }
