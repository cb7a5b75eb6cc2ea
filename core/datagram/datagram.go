// Package datagram carries UDP datagrams on a byte stream, as a stream of
// an nport tunnel does for `nport tunnel --udp`: each datagram is a frame,
// a 2-byte big-endian length and that many bytes.
//
//	+--------+--------+----------------------+
//	| length (uint16) | payload (length B)   |
//	+--------+--------+----------------------+
//
// A length above MaxSize is refused: a peer that sends one breaks the
// protocol, and its flow is closed. A zero length is a valid, empty
// datagram.
package datagram

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

const (
	// HeaderSize is the length prefix of a frame.
	HeaderSize = 2

	// MaxSize is the largest datagram carried: the largest UDP payload
	// over IPv6 without jumbograms (65535 minus the 8-byte UDP header),
	// which covers IPv4's 65507.
	MaxSize = 65535 - 8

	// BufferSize is a buffer that holds one frame of MaxSize, and one
	// byte more, so that a read that fills it shows an oversized
	// datagram rather than a silently truncated one.
	BufferSize = HeaderSize + MaxSize + 1
)

// ErrTooLarge is wrapped by the error for a frame whose length is above
// MaxSize.
var ErrTooLarge = errors.New("datagram frame too large")

// Frame writes the header of the n-byte datagram that follows it in buf,
// read into buf[HeaderSize:], and returns the frame, buf[:HeaderSize+n].
// It panics if n is above MaxSize, which a caller checks first.
func Frame(buf []byte, n int) []byte {
	if n > MaxSize {
		panic(fmt.Sprintf("datagram: frame of %d bytes, above %d", n, MaxSize))
	}
	binary.BigEndian.PutUint16(buf, uint16(n))
	return buf[:HeaderSize+n]
}

// Splitter takes frames as a stream delivers them, in pieces of any size,
// and hands out each whole datagram. A frame that arrives whole inside
// one piece is handed out in place; only one cut across pieces is copied,
// into a buffer that grows to the largest such datagram. The zero value
// is ready to use; it is not safe for concurrent use.
type Splitter struct {
	header  [HeaderSize]byte
	nheader int    // bytes of the header held
	body    []byte // the datagram being assembled, len = its length
	nbody   int    // bytes of it held
}

// Split consumes p and calls emit for each datagram it completes, with a
// slice that is valid only during the call. It stops at emit's first
// error, and returns an error wrapping ErrTooLarge for a frame above
// MaxSize; the stream is then of no further use.
func (s *Splitter) Split(p []byte, emit func([]byte) error) error {
	for len(p) > 0 {
		if s.nheader == 0 {
			rest, err := s.whole(p, emit)
			if err != nil || len(rest) == 0 {
				return err
			}
			p = rest
		}
		if s.nheader < HeaderSize {
			n := copy(s.header[s.nheader:], p)
			s.nheader += n
			p = p[n:]
			if s.nheader < HeaderSize {
				return nil
			}
			size, err := length(s.header[:])
			if err != nil {
				return err
			}
			s.body = slices.Grow(s.body[:0], size)[:size]
			s.nbody = 0
		}
		n := copy(s.body[s.nbody:], p)
		s.nbody += n
		p = p[n:]
		if s.nbody == len(s.body) {
			s.nheader = 0
			if err := emit(s.body); err != nil {
				return err
			}
		}
	}
	return nil
}

// whole hands out the frames that lie whole at the start of p and returns
// what is left: the start of a frame cut off by the end of p.
func (s *Splitter) whole(p []byte, emit func([]byte) error) ([]byte, error) {
	for len(p) >= HeaderSize {
		size, err := length(p)
		if err != nil {
			return nil, err
		}
		if len(p) < HeaderSize+size {
			break
		}
		if err := emit(p[HeaderSize : HeaderSize+size]); err != nil {
			return nil, err
		}
		p = p[HeaderSize+size:]
	}
	return p, nil
}

// length reads a frame's header and refuses one above MaxSize.
func length(header []byte) (int, error) {
	n := int(binary.BigEndian.Uint16(header))
	if n > MaxSize {
		return 0, fmt.Errorf("a frame of %d bytes, above the %d-byte limit: %w", n, MaxSize, ErrTooLarge)
	}
	return n, nil
}
