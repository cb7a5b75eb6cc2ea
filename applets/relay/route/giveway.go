package route

import (
	"bytes"

	"github.com/nport/nport/wire"
)

// SenderOf returns the sender's name in an encoded Recv frame, aliasing
// the frame: it follows the header and the sender's connection id. It
// returns nil for bytes that are not such a frame.
func SenderOf(frame []byte) []byte {
	const at = wire.FrameHeaderLen + 8
	if len(frame) <= at || wire.FrameType(frame[0]) != wire.FrameRecv {
		return nil
	}
	n := int(frame[at])
	if len(frame) < at+1+n {
		return nil
	}
	return frame[at+1 : at+1+n]
}

// GiveWay chooses which kept frame gives way to a new one from sender in
// a queue bounded to limit frames; senders are those of the kept frames,
// oldest first. It returns -1 while there is room. At the bound, an
// offline queue is shared fairly, like a connection's send queue: the
// oldest frame of the sender that holds most gives way (the newcomer's
// own, if it would hold most), so a flood to an offline device cannot
// push out its manager's request. Frames of unknown senders (nil) give
// way oldest first.
func GiveWay(senders [][]byte, sender []byte, limit int) int {
	if len(senders) < limit {
		return -1
	}
	most, mostN := []byte(nil), 0
	for _, s := range senders {
		if n := count(senders, s); s != nil && n > mostN {
			most, mostN = s, n
		}
	}
	if mine := count(senders, sender); sender != nil && mine > 0 && mine+1 >= mostN {
		return index(senders, sender)
	}
	if most == nil {
		return 0
	}
	return index(senders, most)
}

// count returns how many of senders are s.
func count(senders [][]byte, s []byte) int {
	n := 0
	for _, x := range senders {
		if x != nil && bytes.Equal(x, s) {
			n++
		}
	}
	return n
}

// index returns the first of senders that is s.
func index(senders [][]byte, s []byte) int {
	for i, x := range senders {
		if x != nil && bytes.Equal(x, s) {
			return i
		}
	}
	return 0
}
