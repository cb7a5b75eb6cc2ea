package wire

import (
	"bufio"
	"io"
	"testing"
)

func BenchmarkWriteFrame(b *testing.B) {
	payload := fill(0, 1024)
	w := bufio.NewWriter(io.Discard)
	b.SetBytes(int64(FrameHeaderLen + len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteFrame(w, FrameRecv, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReaderReadFrame(b *testing.B) {
	frame := AppendFrame(nil, FrameRecv, fill(0, 1024))
	r := NewReader(&loopReader{data: frame}, 0)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendPayloadSend(b *testing.B) {
	s := Send{SendID: 1, To: "@garage_pi", Sealed: fill(0, 1024)}
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendPayload(buf[:0], s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRecv(b *testing.B) {
	payload := mustAppend(Recv{FromConn: 1, From: "@alice", FromPub: key(1), Sealed: fill(0, 1024)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseRecv(payload); err != nil {
			b.Fatal(err)
		}
	}
}
