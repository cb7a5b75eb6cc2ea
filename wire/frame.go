package wire

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Every connection that speaks frames, to a relay or to a rendezvous,
// carries only this, back to back:
//
//	type     uint8          FrameType
//	length   uint32         payload length, at most MaxFrameSize
//	payload  [length]byte
//
// A receiver that reads a length past its limit closes the connection
// without reading the payload. After the handshake, a receiver skips
// frame types it does not know, so a newer peer may add frames; during
// the handshake an unexpected type is malformed.
const (
	// FrameHeaderLen is the size of the type and length before a payload.
	FrameHeaderLen = 1 + 4

	// MaxFrameSize is the largest payload any nport peer sends or accepts.
	MaxFrameSize = 64 << 10
)

// Magic opens the first frame of every connection (ClientHello,
// RendezvousHello), so that a server tells an nport peer from a stray
// client at once.
var Magic = [4]byte{'n', 'p', 'r', 't'}

// ProtocolVersion is the version of the frame layouts in this package,
// exchanged once in the first frame. It is bumped on any change that an
// older peer could not parse.
const ProtocolVersion = 2

// FrameType is the first byte of a frame. Its values are listed in
// relay.go and rendezvous.go.
type FrameType uint8

// String names the type for logs and errors.
func (t FrameType) String() string {
	if s, ok := frameNames[t]; ok {
		return s
	}
	return fmt.Sprintf("frame-type-0x%02x", uint8(t))
}

var frameNames = map[FrameType]string{
	FrameClientHello:      "client-hello",
	FrameServerHello:      "server-hello",
	FrameClientAuth:       "client-auth",
	FrameWelcome:          "welcome",
	FrameRefuse:           "refuse",
	FrameSend:             "send",
	FrameRecv:             "recv",
	FrameLookup:           "lookup",
	FrameLookupReply:      "lookup-reply",
	FrameSendStatus:       "send-status",
	FramePing:             "ping",
	FramePong:             "pong",
	FrameRendezvousHello:  "rendezvous-hello",
	FrameRendezvousPaired: "rendezvous-paired",
}

// tooLarge is the ErrFrameTooLarge error for a length n past limit.
func tooLarge(n int64, limit int) error {
	return fmt.Errorf("%w: %d-byte payload, limit %d (close the connection: the stream cannot be resynchronised)",
		ErrFrameTooLarge, n, limit)
}

// AppendFrame appends a whole frame, header then payload, to dst. Callers
// that batch frames into one write use it; it does not check the size.
func AppendFrame(dst []byte, t FrameType, payload []byte) []byte {
	dst = append(dst, byte(t))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}

// WriteFrame writes one frame to w. w should be buffered (a bufio.Writer
// writes the header without allocating); on a bare connection, build the
// frame with AppendFrame and write it once instead, as WriteFrame makes
// two writes.
func WriteFrame(w io.Writer, t FrameType, payload []byte) error {
	if len(payload) > MaxFrameSize {
		return tooLarge(int64(len(payload)), MaxFrameSize)
	}
	if bw, ok := w.(io.ByteWriter); ok {
		if err := writeHeaderBytes(bw, t, uint32(len(payload))); err != nil {
			return err
		}
	} else {
		var hdr [FrameHeaderLen]byte
		hdr[0] = byte(t)
		binary.BigEndian.PutUint32(hdr[1:], uint32(len(payload)))
		if _, err := w.Write(hdr[:]); err != nil {
			return err
		}
	}
	_, err := w.Write(payload)
	return err
}

// writeHeaderBytes writes the header a byte at a time: it keeps the header
// off the heap, which a slice handed to an io.Writer is not.
func writeHeaderBytes(w io.ByteWriter, t FrameType, n uint32) error {
	for _, c := range [FrameHeaderLen]byte{byte(t), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)} {
		if err := w.WriteByte(c); err != nil {
			return err
		}
	}
	return nil
}
