package wire

import "fmt"

// Send is the payload of FrameSend.
type Send struct {
	SendID uint32 // 0: no SendStatus wanted
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
	b = appendName(b, s.To)
	return append(b, s.Sealed...), nil
}

// ParseSend decodes a FrameSend payload. Sealed aliases payload, so a
// relay can forward it without a copy while the buffer lives.
func ParseSend(payload []byte) (Send, error) {
	var s Send
	p := newParser(FrameSend, payload)
	s.SendID = p.u32("send id")
	s.To = p.name("to")
	s.Sealed = parseSealed(&p)
	if err := p.end(); err != nil {
		return Send{}, err
	}
	return s, nil
}

// Recv is the payload of FrameRecv.
type Recv struct {
	From    string
	FromPub [32]byte
	Sealed  []byte // the envelope
}

// FrameType returns FrameRecv.
func (Recv) FrameType() FrameType { return FrameRecv }

// AppendBinary appends the payload to b.
func (r Recv) AppendBinary(b []byte) ([]byte, error) {
	if err := checkName(FrameRecv, "from", r.From); err != nil {
		return b, err
	}
	if err := checkSealedLen(FrameRecv, len(r.Sealed)); err != nil {
		return b, err
	}
	b = appendName(b, r.From)
	b = append(b, r.FromPub[:]...)
	return append(b, r.Sealed...), nil
}

// ParseRecv decodes a FrameRecv payload. Sealed aliases payload.
func ParseRecv(payload []byte) (Recv, error) {
	var r Recv
	p := newParser(FrameRecv, payload)
	r.From = p.name("from")
	p.array("from pub", r.FromPub[:])
	r.Sealed = parseSealed(&p)
	if err := p.end(); err != nil {
		return Recv{}, err
	}
	return r, nil
}

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
