package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// plain hides any io.ByteReader or io.ByteWriter, as a bare connection.
type plain struct {
	io.Reader
	io.Writer
}

// counting counts the bytes read through it.
type counting struct {
	r io.Reader
	n int
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestWriteFrameMatchesAppendFrame(t *testing.T) {
	payload := []byte("hello")
	want := AppendFrame(nil, FrameSend, payload)
	if got := want[:FrameHeaderLen]; !bytes.Equal(got, []byte{0x10, 0, 0, 0, 5}) {
		t.Fatalf("header: got %x, want 1000000005", got)
	}
	var buffered, bare bytes.Buffer
	bw := bufio.NewWriter(&buffered)
	writers := map[string]io.Writer{"byte writer": bw, "bare writer": plain{Writer: &bare}}
	for name, w := range writers {
		t.Run(name, func(t *testing.T) {
			if err := WriteFrame(w, FrameSend, payload); err != nil {
				t.Fatalf("WriteFrame: %v", err)
			}
		})
	}
	bw.Flush()
	for name, got := range map[string][]byte{"byte writer": buffered.Bytes(), "bare writer": bare.Bytes()} {
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got %x, want %x", name, got, want)
		}
	}
}

func TestWriteFrameRefusesOversize(t *testing.T) {
	var out bytes.Buffer
	err := WriteFrame(&out, FrameSend, make([]byte, MaxFrameSize+1))
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("got %v, want ErrFrameTooLarge", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes, want 0", out.Len())
	}
}

func TestReadFrameRefusesOversizeWithoutReadingIt(t *testing.T) {
	tests := []struct {
		name      string
		length    uint32
		bufLen    int
		wantLimit string
	}{
		{"past MaxFrameSize", 0xffffffff, MaxFrameSize + 100, "limit 65536"},
		{"past the buffer", 100, 99, "limit 99"},
		{"one past the maximum", MaxFrameSize + 1, MaxFrameSize + 1, "limit 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := append(appendUint32([]byte{byte(FrameSend)}, tt.length), make([]byte, 200)...)
			for _, byteReader := range []bool{true, false} {
				c := &counting{r: bytes.NewReader(stream)}
				var r io.Reader = c
				if byteReader {
					r = bufio.NewReaderSize(c, 16) // reads ahead at most 16
				}
				var before, after runtime.MemStats
				buf := make([]byte, tt.bufLen)
				runtime.ReadMemStats(&before)
				typ, payload, err := ReadFrame(r, buf)
				runtime.ReadMemStats(&after)
				if !errors.Is(err, ErrFrameTooLarge) || !strings.Contains(err.Error(), tt.wantLimit) {
					t.Fatalf("got %v, want ErrFrameTooLarge naming %q", err, tt.wantLimit)
				}
				if typ != FrameSend || payload != nil {
					t.Errorf("got type %v and %d bytes, want send and none", typ, len(payload))
				}
				if c.n > 16 {
					t.Errorf("read %d bytes, want the header only", c.n)
				}
				// Parallel tests allocate too: the bound is what matters, far
				// below the payload buffer of a frame past any limit.
				if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<10 {
					t.Errorf("allocated %d bytes, want no payload buffer", grew)
				}
			}
		})
	}
}

func TestReadFrameReturnsUnknownTypesAndNeverReadsAhead(t *testing.T) {
	var stream []byte
	stream = AppendFrame(stream, FrameType(0x7f), []byte("from the future"))
	stream = AppendFrame(stream, FramePing, fill(1, PingDataLen))
	stream = append(stream, "record bytes"...)
	r := plain{Reader: bytes.NewReader(stream)}
	buf := make([]byte, 64)
	want := []struct {
		t       FrameType
		payload string
	}{{0x7f, "from the future"}, {FramePing, string(fill(1, PingDataLen))}}
	for _, w := range want {
		typ, payload, err := ReadFrame(r, buf)
		if err != nil || typ != w.t || string(payload) != w.payload {
			t.Fatalf("got %v %q %v, want %v %q", typ, payload, err, w.t, w.payload)
		}
	}
	rest, _ := io.ReadAll(r)
	if got, want := string(rest), "record bytes"; got != want {
		t.Errorf("after the frames: got %q, want %q", got, want)
	}
}

func TestReadFrameEndOfStream(t *testing.T) {
	frame := AppendFrame(nil, FrameRefuse, []byte{1, 'x'})
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"empty", nil, io.EOF},
		{"inside the header", frame[:3], io.ErrUnexpectedEOF},
		{"inside the payload", frame[:len(frame)-1], io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			readers := map[string]func() (FrameType, []byte, error){
				"ReadFrame byte reader": func() (FrameType, []byte, error) {
					return ReadFrame(bytes.NewReader(tt.stream), make([]byte, 16))
				},
				"ReadFrame small buffer": func() (FrameType, []byte, error) {
					return ReadFrame(bytes.NewReader(tt.stream), make([]byte, 2))
				},
				"ReadFrame bare": func() (FrameType, []byte, error) {
					return ReadFrame(plain{Reader: bytes.NewReader(tt.stream)}, make([]byte, 16))
				},
				"ReadFrame bare small buffer": func() (FrameType, []byte, error) {
					return ReadFrame(plain{Reader: bytes.NewReader(tt.stream)}, make([]byte, 3))
				},
				"Reader": func() (FrameType, []byte, error) {
					return NewReader(bytes.NewReader(tt.stream), 0).ReadFrame()
				},
			}
			for name, read := range readers {
				if _, _, err := read(); !errors.Is(err, tt.want) {
					t.Errorf("%s: got %v, want %v", name, err, tt.want)
				}
			}
		})
	}
}

func TestReadFrameEmptyPayloadWithoutBuffer(t *testing.T) {
	typ, payload, err := ReadFrame(bytes.NewReader(AppendFrame(nil, 0x42, nil)), nil)
	if err != nil || typ != 0x42 || len(payload) != 0 {
		t.Errorf("got %v %x %v, want 0x42, no payload, no error", typ, payload, err)
	}
}

func TestReaderReadsFramesUpToItsLimit(t *testing.T) {
	var stream []byte
	sizes := []int{0, 10, 600, 3000, 700, 5000}
	for i, n := range sizes {
		stream = AppendFrame(stream, FrameType(i), fill(byte(i), n))
	}
	r := NewReader(plain{Reader: bytes.NewReader(stream)}, 4096)
	for i, n := range sizes[:len(sizes)-1] {
		typ, payload, err := r.ReadFrame()
		if err != nil || typ != FrameType(i) || !bytes.Equal(payload, fill(byte(i), n)) {
			t.Fatalf("frame %d: got %v, %d bytes, %v; want %d bytes", i, typ, len(payload), err, n)
		}
	}
	if _, _, err := r.ReadFrame(); !errors.Is(err, ErrFrameTooLarge) || !strings.Contains(err.Error(), "5000-byte") {
		t.Errorf("last frame: got %v, want ErrFrameTooLarge naming 5000", err)
	}
}

func TestReadingFramesAllocatesNothing(t *testing.T) {
	frame := AppendFrame(nil, FrameRecv, fill(0, 1000))
	src := bytes.NewReader(frame)
	buf := make([]byte, MaxFrameSize)
	if n := testing.AllocsPerRun(100, func() {
		src.Reset(frame)
		if _, _, err := ReadFrame(src, buf); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("ReadFrame: got %v allocations, want 0", n)
	}
	loop := &loopReader{data: frame}
	r := NewReader(loop, 0)
	r.ReadFrame() // sizes the buffer
	if n := testing.AllocsPerRun(100, func() {
		if _, _, err := r.ReadFrame(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Reader: got %v allocations, want 0", n)
	}
	w := bufio.NewWriter(io.Discard)
	if n := testing.AllocsPerRun(100, func() {
		if err := WriteFrame(w, FrameRecv, frame); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("WriteFrame: got %v allocations, want 0", n)
	}
}

// loopReader serves data over and over.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.off:])
	l.off = (l.off + n) % len(l.data)
	return n, nil
}
