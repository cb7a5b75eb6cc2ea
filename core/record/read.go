package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"

	"github.com/nport/nport/wire"
)

// Read returns plaintext from the peer's records, keeping what does not
// fit in p for the next call. It returns io.EOF after the peer's
// end-of-stream record, ErrTruncated if the connection ends without one,
// and ErrTampered (closing the connection) for a record that does not
// open; none of a bad record's bytes are ever returned.
func (c *Conn) Read(p []byte) (int, error) {
	in := &c.in
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	for len(in.plain) == 0 {
		if in.err != nil {
			return 0, in.err
		}
		if err := c.readRecordLocked(); err != nil {
			return 0, err
		}
	}
	n := copy(p, in.plain)
	in.plain = in.plain[n:]
	return n, nil
}

// readRecordLocked reads and opens the next record in place, leaving its
// plaintext in in.plain. The length is checked before the body is read,
// so a forged length costs no more than its two bytes.
func (c *Conn) readRecordLocked() error {
	in := &c.in
	in.compact()
	if err := c.fillLocked(wire.RecordHeaderLen); err != nil {
		return c.readFailed(err)
	}
	n := int(binary.BigEndian.Uint16(in.buf[:wire.RecordHeaderLen]))
	if n < wire.RecordOverhead || n > maxCiphertext {
		return c.tampered(fmt.Sprintf("record %d declares %d bytes, outside %d..%d", in.seq, n, wire.RecordOverhead, maxCiphertext))
	}
	if in.seq == math.MaxUint64 {
		return c.tampered("record counter exhausted: the peer cannot have sealed this record")
	}
	if err := c.fillLocked(wire.RecordHeaderLen + n); err != nil {
		return c.readFailed(err)
	}
	sealed := in.buf[wire.RecordHeaderLen : wire.RecordHeaderLen+n]
	in.nonce = wire.RecordNonce(in.seq)
	plain, err := in.aead.Open(sealed[:0], in.nonce[:], sealed, nil)
	if err != nil {
		return c.tampered(fmt.Sprintf("record %d did not open: changed in transit, or sealed with other keys", in.seq))
	}
	in.seq++
	in.used = wire.RecordHeaderLen + n
	if len(plain) == 0 {
		in.err = io.EOF
		return io.EOF
	}
	in.plain = plain
	return nil
}

// compact drops the record that has been read, moving any bytes of the
// following records to the start of the buffer.
func (in *inbound) compact() {
	if in.used > 0 {
		in.have = copy(in.buf[:], in.buf[in.used:in.have])
		in.used = 0
	}
}

// fillLocked reads from the socket until the buffer holds want bytes. It
// takes whatever the socket has, up to the buffer's end, so that one read
// can bring in many small records.
func (c *Conn) fillLocked(want int) error {
	in := &c.in
	for in.have < want {
		n, err := c.conn.Read(in.buf[in.have:])
		in.have += n
		if err != nil && in.have < want {
			return err
		}
	}
	return nil
}

// readFailed turns a socket error into the Read error. A timeout keeps
// the partial record, so the Read can be retried; anything else ends the
// stream, and an EOF before the end-of-stream record is a truncation.
func (c *Conn) readFailed(err error) error {
	in := &c.in
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF):
		in.err = fmt.Errorf("%w (after %d records, %d bytes into the next)", ErrTruncated, in.seq, in.have)
	case errors.As(err, &ne) && ne.Timeout():
		return err
	default:
		in.err = fmt.Errorf("record: receive from the peer: %w", err)
	}
	return in.err
}

// tampered ends the stream with ErrTampered and closes the connection:
// whoever changed one record may change the next.
func (c *Conn) tampered(why string) error {
	c.in.err = fmt.Errorf("%w (%s)", ErrTampered, why)
	c.broken.Store(true)
	_ = c.shutdown()
	return c.in.err
}
