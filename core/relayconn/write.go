package relayconn

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// The typed writers encode into the Conn's reused buffer and call the
// payload's AppendBinary on its concrete type, so a steady stream of
// writes allocates nothing.

// Send hands a sealed envelope for to to the relay (client side). A
// sendID other than 0 asks for a SendStatus. toConn 0 sends to the name,
// another value to that connection of it only; toKey is the key sealed
// to, which the relay checks against its directory (zero: not checked).
func (c *Conn) Send(sendID uint32, to identity.Name, toConn wire.ConnID, toKey identity.PublicKey, sealed []byte) error {
	p := wire.Send{SendID: sendID, ToConn: toConn, To: string(to), Sealed: sealed}
	if !toKey.IsZero() {
		p.ToPub = toKey.Raw()
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FrameSend))
	return c.finishLocked(b, err)
}

// Lookup asks the relay for the key bound to name (client side).
func (c *Conn) Lookup(reqID uint32, name identity.Name) error {
	p := wire.Lookup{ReqID: reqID, Name: string(name)}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FrameLookup))
	return c.finishLocked(b, err)
}

// Recv delivers an envelope from connection fromConn of from, whose key
// is fromKey (relay side). A relay delivering one envelope to several
// connections encodes it once with EncodeRecv and writes it with
// WriteEncoded instead.
func (c *Conn) Recv(fromConn wire.ConnID, from identity.Name, fromKey identity.PublicKey, sealed []byte) error {
	p := wire.Recv{FromConn: fromConn, From: string(from), FromPub: fromKey.Raw(), Sealed: sealed}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FrameRecv))
	return c.finishLocked(b, err)
}

// LookupReply answers a Lookup of name (relay side): found with key, or
// unknown when key is zero. name is echoed as the client sent it, valid
// or not.
func (c *Conn) LookupReply(reqID uint32, name string, key identity.PublicKey) error {
	p := wire.LookupReply{ReqID: reqID, Status: wire.LookupUnknown, Name: name}
	if !key.IsZero() {
		p.Status, p.Pub = wire.LookupFound, key.Raw()
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FrameLookupReply))
	return c.finishLocked(b, err)
}

// SendStatus tells the client what became of its Send sendID (relay side).
func (c *Conn) SendStatus(sendID uint32, status wire.SendResult) error {
	p := wire.SendStatus{SendID: sendID, Status: status}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FrameSendStatus))
	return c.finishLocked(b, err)
}

// WriteFrame writes any payload. It is the general form of the typed
// writers, for frames they do not cover; it allocates, as p escapes.
func (c *Conn) WriteFrame(p wire.Payload) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], p.FrameType()))
	return c.finishLocked(b, err)
}

// WriteEncoded writes whole frames encoded already (by EncodeRecv), in
// one system call where the connection allows. The frames are not changed
// and may be shared between connections.
func (c *Conn) WriteEncoded(frames ...[]byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if len(frames) == 1 {
		return c.writeLocked(frames[0])
	}
	c.bufs = append(c.bufs[:0], frames...)
	bufs := c.bufs // WriteTo consumes its receiver
	c.setWriteDeadline()
	_, err := bufs.WriteTo(c.nc)
	clear(c.bufs) // do not keep the frames alive
	return c.writeFailed(err)
}

// EncodeRecv returns the whole Recv frame for an envelope, for
// WriteEncoded. It is a new slice, owned by the caller.
func EncodeRecv(fromConn wire.ConnID, from identity.Name, fromKey identity.PublicKey, sealed []byte) ([]byte, error) {
	p := wire.Recv{FromConn: fromConn, From: string(from), FromPub: fromKey.Raw(), Sealed: sealed}
	size := wire.FrameHeaderLen + wire.RecvOverhead + len(from) + len(sealed)
	return wire.AppendPayload(make([]byte, 0, size), p)
}

// startFrame appends a header whose length finishLocked fills in.
func startFrame(b []byte, t wire.FrameType) []byte {
	return append(b, byte(t), 0, 0, 0, 0)
}

// finishLocked fills in the length of the frame in b, started by
// startFrame, and writes it. encErr is the payload encoder's error.
func (c *Conn) finishLocked(b []byte, encErr error) error {
	if encErr != nil {
		return fmt.Errorf("relayconn: %w", encErr)
	}
	if cap(b) <= 2*wire.MaxFrameSize {
		c.wbuf = b[:0] // keep what the buffer grew to
	}
	n := len(b) - wire.FrameHeaderLen
	if n > c.sendMax {
		return fmt.Errorf("%w: %s frame of %d bytes, the peer accepts %d (send less at once)",
			ErrTooLarge, wire.FrameType(b[0]), n, c.sendMax)
	}
	binary.BigEndian.PutUint32(b[1:wire.FrameHeaderLen], uint32(n))
	if c.werr != nil {
		return c.werr
	}
	return c.writeLocked(b)
}

// writeLocked writes one buffer with the write deadline armed.
func (c *Conn) writeLocked(b []byte) error {
	c.setWriteDeadline()
	_, err := c.nc.Write(b)
	return c.writeFailed(err)
}

// setWriteDeadline bounds each write: a peer that takes nothing for as
// long as silence would end the connection is as good as gone, and a
// writer stuck on it would hold the lock forever.
func (c *Conn) setWriteDeadline() {
	c.nc.SetWriteDeadline(time.Now().Add(c.silence))
}

// writeFailed records a write error and ends the connection: after a
// partial write the stream cannot be trusted.
func (c *Conn) writeFailed(err error) error {
	if err == nil {
		return nil
	}
	if c.closed() {
		c.werr = fmt.Errorf("%w: write: %w", ErrClosed, err)
	} else {
		c.werr = fmt.Errorf("relayconn: write to %s: %w", c.nc.RemoteAddr(), err)
	}
	c.shutdown()
	return c.werr
}
