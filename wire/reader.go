package wire

import (
	"bufio"
	"encoding/binary"
	"io"
)

// Reader reads frames from a connection through its own read buffer and
// one payload buffer that it reuses, so a steady stream of frames
// allocates nothing. The payload buffer grows to the largest frame seen,
// up to the limit, so an idle connection keeps a small one.
//
// A Reader reads ahead: do not hand its connection to anything else
// afterwards. For the rendezvous hand-over use ReadFrame on the bare
// connection instead.
type Reader struct {
	br    *bufio.Reader
	buf   []byte
	limit int
}

// readBufferSize is the bufio buffer of a Reader: big enough for a
// handshake or a small message in one read, small enough for many idle
// connections on a small relay.
const readBufferSize = 4 << 10

// NewReader returns a Reader on r that refuses payloads longer than limit.
// A limit of zero or past MaxFrameSize means MaxFrameSize.
func NewReader(r io.Reader, limit int) *Reader {
	if limit <= 0 || limit > MaxFrameSize {
		limit = MaxFrameSize
	}
	return &Reader{br: bufio.NewReaderSize(r, readBufferSize), limit: limit}
}

// ReadFrame reads the next frame. The payload aliases the Reader's buffer
// until the next call; copy what must outlive it. A length past the limit
// is ErrFrameTooLarge and nothing of the payload is read. Unknown types
// are returned as they are: after the handshake the caller skips them.
func (r *Reader) ReadFrame() (FrameType, []byte, error) {
	hdr, err := r.br.Peek(FrameHeaderLen)
	if err != nil {
		if len(hdr) > 0 && err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	t, n := FrameType(hdr[0]), binary.BigEndian.Uint32(hdr[1:])
	if uint64(n) > uint64(r.limit) {
		return t, nil, tooLarge(int64(n), r.limit)
	}
	r.br.Discard(FrameHeaderLen) // cannot fail: Peek just returned these bytes
	if int(n) > cap(r.buf) {
		// Doubling bounds the number of grows on a connection whose frames
		// slowly get bigger.
		r.buf = make([]byte, min(max(int(n), 2*cap(r.buf), 512), r.limit))
	}
	payload := r.buf[:n]
	if _, err := io.ReadFull(r.br, payload); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return t, nil, err
	}
	return t, payload, nil
}
