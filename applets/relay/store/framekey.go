package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
)

// A queued frame is kept under its recipient's name, a 0 byte (no name
// has one) and a sequence number, so that one cursor walks a name's
// frames oldest first. Its value is its expiry, in Unix nanoseconds, then
// the frame. The expiry index holds expiry and sequence, so that the
// sweep meets the oldest first, whoever they are for.

func framePrefix(name identity.Name) []byte { return append([]byte(name), 0) }

func frameKey(name identity.Name, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(framePrefix(name), seq)
}

func frameValue(expires time.Time, frame []byte) []byte {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(frame)), uint64(expires.UnixNano()))
	return append(v, frame...)
}

func expiryKey(expires time.Time, seq uint64) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(expires.UnixNano()))
	return binary.BigEndian.AppendUint64(k, seq)
}

// queuedFrame is one decoded entry of bucketFrames; frame aliases the
// database's memory, valid only in its transaction.
type queuedFrame struct {
	key     []byte
	seq     uint64
	expires time.Time
	frame   []byte
}

func decodeFrame(k, v []byte) (queuedFrame, error) {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k)-i-1 != 8 || len(v) < 8 {
		return queuedFrame{}, fmt.Errorf("store: a queued frame of %d+%d bytes is damaged (restore a backup, or remove the relay's database)", len(k), len(v))
	}
	return queuedFrame{
		key:     k,
		seq:     binary.BigEndian.Uint64(k[i+1:]),
		expires: time.Unix(0, int64(binary.BigEndian.Uint64(v))),
		frame:   v[8:],
	}, nil
}

// indexKey is the frame's key in the expiry index.
func (f queuedFrame) indexKey() []byte { return expiryKey(f.expires, f.seq) }
