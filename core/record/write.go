package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"

	"github.com/nport/nport/wire"
)

// errWriteEnded is the sticky write error after CloseWrite or Close.
var errWriteEnded = fmt.Errorf("record: write after CloseWrite or Close: %w", net.ErrClosed)

// Write seals p into records of at most 16 KiB of plaintext each and
// sends them. An empty p sends nothing: an empty record would end the
// stream.
func (c *Conn) Write(p []byte) (int, error) {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), wire.MaxRecordPlaintext)]
		if err := c.writeRecordLocked(chunk); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}

// writeRecordLocked seals p into the outbound buffer and sends it. Any
// failure is sticky: part of the record may be on the wire, and the next
// one could not be told apart from it.
func (c *Conn) writeRecordLocked(p []byte) error {
	o := &c.out
	if o.err != nil {
		return o.err
	}
	if o.seq == math.MaxUint64 {
		o.err = errExhausted
		return o.err
	}
	o.nonce = wire.RecordNonce(o.seq)
	sealed := o.aead.Seal(o.buf[wire.RecordHeaderLen:wire.RecordHeaderLen], o.nonce[:], p, nil)
	binary.BigEndian.PutUint16(o.buf[:wire.RecordHeaderLen], uint16(len(sealed)))
	o.seq++
	if _, err := c.conn.Write(o.buf[:wire.RecordHeaderLen+len(sealed)]); err != nil {
		if c.broken.Load() {
			err = ErrTampered
		}
		o.err = fmt.Errorf("record: send to the peer: %w", err)
		return o.err
	}
	return nil
}

// endStreamLocked sends the end-of-stream record, once. After it every
// Write fails with errWriteEnded.
func (c *Conn) endStreamLocked() error {
	if errors.Is(c.out.err, errWriteEnded) {
		return nil
	}
	if err := c.writeRecordLocked(nil); err != nil {
		return err
	}
	c.out.err = errWriteEnded
	return nil
}
