package wire

import "fmt"

// ConnID names one live connection at a relay: the relay gives each a
// fresh one in Welcome and tells it to the recipients of what it sends, so
// that an answer reaches the one process that asked. 0 names none.
type ConnID uint64

// Send is the payload of FrameSend.
type Send struct {
	SendID uint32   // 0: no SendStatus wanted
	ToConn ConnID   // 0: the name; else that connection of it
	ToPub  [32]byte // the key the envelope is sealed to; zero: not checked
	To     string
	Sealed []byte // the envelope
}

// FrameType returns FrameSend.
func (Send) FrameType() FrameType { return FrameSend }

// AppendBinary appends the payload to b.
func (s Send) AppendBinary(b []byte) ([]byte, error) {
	if err := checkName(FrameSend, "to", s.To); err != nil {
		return b, err
	}
	if err := checkSealedLen(FrameSend, len(s.Sealed)); err != nil {
		return b, err
	}
	b = appendUint32(b, s.SendID)
	b = appendUint64(b, uint64(s.ToConn))
	b = append(b, s.ToPub[:]...)
	b = appendName(b, s.To)
	return append(b, s.Sealed...), nil
}

// ParseSend decodes a FrameSend payload. Sealed aliases payload, so a
// relay can forward it without a copy while the buffer lives.
func ParseSend(payload []byte) (Send, error) {
	var s Send
	p := newParser(FrameSend, payload)
	s.SendID = p.u32("send id")
	s.ToConn = ConnID(p.u64("to conn"))
	p.array("to pub", s.ToPub[:])
	s.To = p.name("to")
	s.Sealed = parseSealed(&p)
	if err := p.end(); err != nil {
		return Send{}, err
	}
	return s, nil
}

// SendOverhead is what a Send frame's payload holds besides the name and
// the envelope.
const SendOverhead = 4 + 8 + 32 + 1

// Recv is the payload of FrameRecv.
type Recv struct {
	FromConn ConnID // never 0
	From     string
	FromPub  [32]byte
	Sealed   []byte // the envelope
}

// FrameType returns FrameRecv.
func (Recv) FrameType() FrameType { return FrameRecv }

// AppendBinary appends the payload to b.
func (r Recv) AppendBinary(b []byte) ([]byte, error) {
	if r.FromConn == 0 {
		return b, fmt.Errorf("wire: encode recv frame: from conn is 0, which names no connection")
	}
	if err := checkName(FrameRecv, "from", r.From); err != nil {
		return b, err
	}
	if err := checkSealedLen(FrameRecv, len(r.Sealed)); err != nil {
		return b, err
	}
	b = appendUint64(b, uint64(r.FromConn))
	b = appendName(b, r.From)
	b = append(b, r.FromPub[:]...)
	return append(b, r.Sealed...), nil
}

// ParseRecv decodes a FrameRecv payload. Sealed aliases payload.
func ParseRecv(payload []byte) (Recv, error) {
	var r Recv
	p := newParser(FrameRecv, payload)
	r.FromConn = ConnID(p.u64("from conn"))
	if p.err == nil && r.FromConn == 0 {
		p.fail("from conn", "0, which names no connection")
	}
	r.From = p.name("from")
	p.array("from pub", r.FromPub[:])
	r.Sealed = parseSealed(&p)
	if err := p.end(); err != nil {
		return Recv{}, err
	}
	return r, nil
}

// RecvOverhead is what a Recv frame's payload holds besides the name and
// the envelope.
const RecvOverhead = 8 + 1 + 32

// parseSealed takes the rest of the payload as an envelope.
func parseSealed(p *parser) []byte {
	sealed := p.rest()
	if p.err == nil && (len(sealed) < MinSealedLen || len(sealed) > MaxSealedLen) {
		p.fail("sealed", "%d bytes, want %d..%d", len(sealed), MinSealedLen, MaxSealedLen)
	}
	return sealed
}

func checkSealedLen(t FrameType, n int) error {
	if n < MinSealedLen || n > MaxSealedLen {
		return fmt.Errorf("wire: encode %s frame: sealed envelope is %d bytes, want %d..%d", t, n, MinSealedLen, MaxSealedLen)
	}
	return nil
}
