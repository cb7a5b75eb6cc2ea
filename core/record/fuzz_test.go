package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/nport/nport/wire"
)

// fuzzSeed is one input of FuzzRead: the incoming stream, the size of
// the caller's reads, and how many bytes the socket hands out at a time.
type fuzzSeed struct {
	name     string
	stream   []byte
	readSize uint16
	chunk    uint8
}

// fuzzSeeds are streams sealed with the fixed client key, good and bad.
func fuzzSeeds(t testing.TB) []fuzzSeed {
	twoRecords := sealStream(t, true, []byte("hello"), []byte("world"))
	flipped := bytes.Clone(twoRecords)
	flipped[9] ^= 1
	return []fuzzSeed{
		{"two-records", twoRecords, 3, 0},
		{"no-end-record", sealStream(t, false, []byte("hello")), 100, 1},
		{"flipped-byte", flipped, 100, 0},
		{"end-record-only", sealStream(t, true), 10, 0},
		{"data-after-end", append(sealStream(t, true, []byte("a")), "trailing"...), 10, 5},
		{"huge-length", []byte{0xff, 0xff, 1, 2, 3}, 10, 0},
		{"short-length", append([]byte{0, 15}, make([]byte, 15)...), 10, 0},
		{"empty", nil, 1, 0},
		{"full-record", sealStream(t, true, bytes.Repeat([]byte("nport"), 4000)), 7000, 250},
	}
}

// openStream is the reference reader: it opens the records of a whole
// stream one after the other with a fresh AEAD and says how the stream
// ends: io.EOF, ErrTruncated or ErrTampered.
func openStream(t testing.TB, stream []byte) ([]byte, error) {
	open := mustAEAD(t, fixedC2D)
	var plain []byte
	for seq := uint64(0); ; seq++ {
		if len(stream) < 2 {
			return plain, ErrTruncated
		}
		n := int(binary.BigEndian.Uint16(stream))
		if n < 16 || n > 16<<10+16 {
			return plain, ErrTampered
		}
		if len(stream) < 2+n {
			return plain, ErrTruncated
		}
		nonce := wire.RecordNonce(seq)
		p, err := open.Open(nil, nonce[:], stream[2:2+n], nil)
		if err != nil {
			return plain, ErrTampered
		}
		if len(p) == 0 {
			return plain, io.EOF
		}
		plain = append(plain, p...)
		stream = stream[2+n:]
	}
}

// FuzzRead feeds arbitrary bytes to a Conn as the peer's stream. Read
// must return exactly the plaintext of the records that open under the
// real key, in order, and end the way the reference reader says: random
// bytes give an error and no data.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.stream, s.readSize, s.chunk)
	}
	f.Fuzz(func(t *testing.T, stream []byte, readSize uint16, chunk uint8) {
		want, wantEnd := openStream(t, stream)
		c := fixedDaemon(t, &captureConn{in: bytes.NewReader(stream), chunk: int(chunk)})
		buf := make([]byte, int(readSize)%20000+1)
		var got []byte
		var err error
		for err == nil {
			var n int
			n, err = c.Read(buf)
			got = append(got, buf[:n]...)
		}
		if !errors.Is(err, wantEnd) {
			t.Errorf("got error %v, want %v", err, wantEnd)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("got %d bytes %q, want %d bytes %q", len(got), clip(got), len(want), clip(want))
		}
	})
}

// clip shortens data for an error message.
func clip(b []byte) []byte { return b[:min(len(b), 32)] }
