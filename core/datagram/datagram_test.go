package datagram

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// frames encodes datagrams as a stream.
func frames(datagrams ...[]byte) []byte {
	var out []byte
	for _, d := range datagrams {
		buf := make([]byte, HeaderSize+len(d))
		copy(buf[HeaderSize:], d)
		out = append(out, Frame(buf, len(d))...)
	}
	return out
}

// splitInPieces feeds stream to a Splitter in pieces of the given sizes
// (the last one repeated) and collects the datagrams.
func splitInPieces(stream []byte, sizes ...int) ([][]byte, error) {
	var s Splitter
	var got [][]byte
	emit := func(d []byte) error {
		got = append(got, bytes.Clone(d))
		return nil
	}
	for i := 0; len(stream) > 0; i++ {
		n := sizes[min(i, len(sizes)-1)]
		n = min(n, len(stream))
		if err := s.Split(stream[:n], emit); err != nil {
			return got, err
		}
		stream = stream[n:]
	}
	return got, nil
}

func TestSplit(t *testing.T) {
	big := bytes.Repeat([]byte{0xa5}, MaxSize)
	want := [][]byte{[]byte("one"), {}, []byte("three datagrams"), big, []byte("x")}
	stream := frames(want...)
	tests := []struct {
		name  string
		sizes []int
	}{
		{"all at once", []int{len(stream)}},
		{"byte by byte", []int{1}},
		{"header cut", []int{1, 4, 3}},
		{"odd pieces", []int{7, 1000, 13}},
		{"small buffer", []int{4096}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitInPieces(stream, tt.sizes...)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d datagrams, want %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Errorf("datagram %d: got %d bytes, want %d", i, len(got[i]), len(want[i]))
				}
			}
		})
	}
}

func TestSplitRefusesOversized(t *testing.T) {
	for _, size := range []int{MaxSize + 1, 65535} {
		var header [HeaderSize]byte
		binary.BigEndian.PutUint16(header[:], uint16(size))
		stream := append(frames([]byte("before")), header[:]...)
		for _, pieces := range []int{len(stream), 1} {
			got, err := splitInPieces(stream, pieces)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("length %d in pieces of %d: got %v, want ErrTooLarge", size, pieces, err)
			}
			if len(got) != 1 {
				t.Errorf("length %d: got %d datagrams before the refusal, want 1", size, len(got))
			}
		}
	}
}

func TestSplitStopsAtEmitError(t *testing.T) {
	var s Splitter
	stop := errors.New("stop")
	calls := 0
	err := s.Split(frames([]byte("a"), []byte("b")), func([]byte) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("got %v after %d calls, want the emit error after 1", err, calls)
	}
}

func TestFramePanicsAboveMaxSize(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Frame accepted a datagram above MaxSize")
		}
	}()
	Frame(make([]byte, BufferSize+1), MaxSize+1)
}

// FuzzSplit checks that any input is either refused or split into
// datagrams that frame back into the same bytes, whatever the pieces.
func FuzzSplit(f *testing.F) {
	f.Add(frames([]byte("hello"), nil, []byte("world")), uint8(3))
	f.Add([]byte{0xff, 0xff, 1, 2}, uint8(1))
	f.Fuzz(func(t *testing.T, stream []byte, piece uint8) {
		whole, errWhole := splitInPieces(stream, len(stream)+1)
		cut, errCut := splitInPieces(stream, int(piece)+1)
		if (errWhole == nil) != (errCut == nil) {
			t.Fatalf("whole: %v, in pieces: %v", errWhole, errCut)
		}
		if len(whole) != len(cut) {
			t.Fatalf("whole gave %d datagrams, pieces %d", len(whole), len(cut))
		}
		if errWhole != nil {
			return
		}
		if again := frames(whole...); !bytes.HasPrefix(stream, again) {
			t.Fatalf("the datagrams do not frame back into the input")
		}
	})
}
