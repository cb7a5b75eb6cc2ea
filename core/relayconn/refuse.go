package relayconn

import (
	"encoding/binary"
	"time"

	"github.com/nport/nport/wire"
)

// Refuse tells the peer why the connection ends, then ends it. The write
// is bounded by a short deadline: the peer is leaving either way.
func (c *Conn) Refuse(r wire.Refusal) error {
	c.refuse(r)
	return c.Close()
}

// refuse writes r best-effort and shuts the connection down without
// waiting, so Next may call it. When another write holds the lock (a
// peer that does not read), the refusal is skipped rather than waited for.
func (c *Conn) refuse(r wire.Refusal) {
	if !c.wmu.TryLock() {
		c.shutdown()
		return
	}
	if c.werr == nil && !c.closed() {
		b, err := r.AppendBinary(startFrame(c.wbuf[:0], wire.FrameRefuse))
		if err == nil {
			binary.BigEndian.PutUint32(b[1:wire.FrameHeaderLen], uint32(len(b)-wire.FrameHeaderLen))
			c.nc.SetWriteDeadline(time.Now().Add(refuseWriteTimeout))
			c.nc.Write(b)
			c.wbuf = b[:0]
		}
	}
	c.wmu.Unlock()
	c.shutdown()
}
