package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
)

// nameRecord is the value of a name in bucketNames: the key that claimed
// it, then when it was claimed and last seen, in Unix milliseconds,
// big-endian.
type nameRecord struct {
	key      identity.PublicKey
	claimed  time.Time
	lastSeen time.Time
}

const nameRecordLen = identity.KeyLen + 8 + 8

func (r nameRecord) encode() []byte {
	raw := r.key.Raw()
	b := append(make([]byte, 0, nameRecordLen), raw[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(r.claimed.UnixMilli()))
	return binary.BigEndian.AppendUint64(b, uint64(r.lastSeen.UnixMilli()))
}

func decodeName(name, v []byte) (nameRecord, error) {
	if len(v) != nameRecordLen {
		return nameRecord{}, fmt.Errorf("store: the record of %q is %d bytes, want %d: the database is damaged (restore a backup)", name, len(v), nameRecordLen)
	}
	var raw [identity.KeyLen]byte
	copy(raw[:], v)
	return nameRecord{
		key:      identity.PublicKeyFromRaw(raw),
		claimed:  time.UnixMilli(int64(binary.BigEndian.Uint64(v[identity.KeyLen:]))),
		lastSeen: time.UnixMilli(int64(binary.BigEndian.Uint64(v[identity.KeyLen+8:]))),
	}, nil
}
