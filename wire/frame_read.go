package wire

import (
	"encoding/binary"
	"io"
)

// ReadFrameHeader reads a frame's type and payload length. It does not
// check the length: the caller compares it to its own limit. A clean end
// of stream before the first byte is io.EOF; inside the header it is
// io.ErrUnexpectedEOF.
func ReadFrameHeader(r io.Reader) (FrameType, uint32, error) {
	var hdr [FrameHeaderLen]byte
	if br, ok := r.(io.ByteReader); ok {
		// A byte at a time keeps hdr on the stack.
		for i := range hdr {
			c, err := br.ReadByte()
			if err != nil {
				if i > 0 && err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return 0, 0, err
			}
			hdr[i] = c
		}
	} else if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, 0, err
	}
	return FrameType(hdr[0]), binary.BigEndian.Uint32(hdr[1:]), nil
}

// ReadFrame reads one frame into buf and returns its type and payload,
// which aliases buf until the next read. A length past MaxFrameSize or
// len(buf) is refused with ErrFrameTooLarge before any of the payload is
// read. Unknown types are returned as they are: after the handshake the
// caller skips them.
//
// ReadFrame never reads past the frame, so on a bare connection the bytes
// after it (the record stream after RendezvousPaired) stay in the socket.
func ReadFrame(r io.Reader, buf []byte) (FrameType, []byte, error) {
	var (
		t   FrameType
		n   uint32
		err error
	)
	if len(buf) >= FrameHeaderLen {
		// The caller's buffer holds the header too, so nothing escapes.
		if _, err = io.ReadFull(r, buf[:FrameHeaderLen]); err != nil {
			return 0, nil, err
		}
		t, n = FrameType(buf[0]), binary.BigEndian.Uint32(buf[1:FrameHeaderLen])
	} else if t, n, err = ReadFrameHeader(r); err != nil {
		return 0, nil, err
	}
	limit := min(len(buf), MaxFrameSize)
	if uint64(n) > uint64(limit) {
		return t, nil, tooLarge(int64(n), limit)
	}
	payload := buf[:n]
	if _, err := io.ReadFull(r, payload); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return t, nil, err
	}
	return t, payload, nil
}
