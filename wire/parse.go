package wire

import (
	"encoding/binary"
	"fmt"
)

// parser walks a payload field by field. The first problem sticks: later
// reads return zero values, and end reports it, so a decoder reads like
// its layout with one error check at the bottom.
type parser struct {
	t   FrameType // for errors
	b   []byte
	err error
}

func newParser(t FrameType, payload []byte) parser {
	return parser{t: t, b: payload}
}

// fail records the first problem, naming the field.
func (p *parser) fail(field, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("%w %s frame: %s: %s", ErrMalformed, p.t, field, fmt.Sprintf(format, args...))
	}
}

// take returns the next n bytes, aliasing the payload.
func (p *parser) take(field string, n int) []byte {
	if p.err != nil {
		return nil
	}
	if len(p.b) < n {
		p.fail(field, "needs %d bytes, %d left", n, len(p.b))
		return nil
	}
	out := p.b[:n:n]
	p.b = p.b[n:]
	return out
}

func (p *parser) u8(field string) uint8 {
	if b := p.take(field, 1); b != nil {
		return b[0]
	}
	return 0
}

func (p *parser) u32(field string) uint32 {
	if b := p.take(field, 4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (p *parser) u64(field string) uint64 {
	if b := p.take(field, 8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// array fills dst (a key, a challenge, a session id) from the payload.
func (p *parser) array(field string, dst []byte) {
	copy(dst, p.take(field, len(dst)))
}

// name reads a one-byte length then the name, checking the length only.
func (p *parser) name(field string) string {
	n := int(p.u8(field)) // a missing length byte is a missing name
	if p.err != nil {
		return ""
	}
	if n < MinNameLen || n > MaxNameLen {
		p.fail(field, "length %d, want %d..%d", n, MinNameLen, MaxNameLen)
		return ""
	}
	return string(p.take(field, n))
}

// rest returns what is left of the payload, aliasing it.
func (p *parser) rest() []byte {
	if p.err != nil {
		return nil
	}
	out := p.b
	p.b = nil
	return out
}

// end reports the first problem, or bytes left over past the layout.
func (p *parser) end() error {
	if p.err == nil && len(p.b) > 0 {
		p.fail("end", "%d bytes past the layout", len(p.b))
	}
	return p.err
}

// appendUint32 appends v big-endian.
func appendUint32(b []byte, v uint32) []byte {
	return binary.BigEndian.AppendUint32(b, v)
}

// appendUint64 appends v big-endian.
func appendUint64(b []byte, v uint64) []byte {
	return binary.BigEndian.AppendUint64(b, v)
}
