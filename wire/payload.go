package wire

import (
	"encoding"
	"encoding/binary"
)

// Payload is a frame's payload as a Go value: every frame struct in this
// package is one. AppendBinary refuses a value a peer would refuse (a name
// too long, a message too large), so nothing malformed is ever sent.
type Payload interface {
	FrameType() FrameType
	encoding.BinaryAppender
}

// AppendPayload appends the whole frame for p, header then payload, to
// dst, encoding the payload in place. On error dst is returned unchanged.
func AppendPayload(dst []byte, p Payload) ([]byte, error) {
	start := len(dst)
	dst = append(dst, byte(p.FrameType()), 0, 0, 0, 0)
	out, err := p.AppendBinary(dst)
	if err != nil {
		return dst[:start], err
	}
	n := len(out) - start - FrameHeaderLen
	if n > MaxFrameSize {
		return dst[:start], tooLarge(int64(n), MaxFrameSize)
	}
	binary.BigEndian.PutUint32(out[start+1:], uint32(n))
	return out, nil
}
