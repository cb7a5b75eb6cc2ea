package wire

import (
	"encoding/binary"
	"fmt"
	"time"
)

// MinFrameLimit is the smallest maxFrame a relay may announce in Welcome:
// any handshake frame and a small message always fit.
const MinFrameLimit = 1 << 10

// Welcome is the payload of FrameWelcome.
type Welcome struct {
	KeepaliveMillis uint32 // at least 1
	MaxFrame        uint32 // MinFrameLimit..MaxFrameSize
	RelayTimeMillis int64  // Unix milliseconds
	ConnID          ConnID // this connection's id at the relay, never 0
}

// Keepalive returns the keepalive interval as a duration.
func (w Welcome) Keepalive() time.Duration {
	return time.Duration(w.KeepaliveMillis) * time.Millisecond
}

// RelayTime returns the relay's clock when it sent the frame.
func (w Welcome) RelayTime() time.Time { return time.UnixMilli(w.RelayTimeMillis) }

// FrameType returns FrameWelcome.
func (Welcome) FrameType() FrameType { return FrameWelcome }

// AppendBinary appends the payload to b.
func (w Welcome) AppendBinary(b []byte) ([]byte, error) {
	if field, problem := w.problem(); field != "" {
		return b, fmt.Errorf("wire: encode welcome frame: %s: %s", field, problem)
	}
	b = binary.BigEndian.AppendUint32(b, w.KeepaliveMillis)
	b = binary.BigEndian.AppendUint32(b, w.MaxFrame)
	b = binary.BigEndian.AppendUint64(b, uint64(w.RelayTimeMillis))
	return binary.BigEndian.AppendUint64(b, uint64(w.ConnID)), nil
}

// ParseWelcome decodes a FrameWelcome payload.
func ParseWelcome(payload []byte) (Welcome, error) {
	var w Welcome
	p := newParser(FrameWelcome, payload)
	w.KeepaliveMillis = p.u32("keepalive")
	w.MaxFrame = p.u32("max frame")
	w.RelayTimeMillis = int64(p.u64("relay time"))
	w.ConnID = ConnID(p.u64("conn id"))
	if field, problem := w.problem(); p.err == nil && field != "" {
		p.fail(field, "%s", problem)
	}
	if err := p.end(); err != nil {
		return Welcome{}, err
	}
	return w, nil
}

// problem names the field of w that is out of range, if any, and why.
func (w Welcome) problem() (field, why string) {
	if w.KeepaliveMillis == 0 {
		return "keepalive", "0 ms, want at least 1"
	}
	if w.MaxFrame < MinFrameLimit || w.MaxFrame > MaxFrameSize {
		return "max frame", fmt.Sprintf("%d, want %d..%d", w.MaxFrame, MinFrameLimit, MaxFrameSize)
	}
	if w.ConnID == 0 {
		return "conn id", "0, which names no connection"
	}
	return "", ""
}
