package record

import (
	"io"
	"net"
	"testing"
)

// benchWrite is the size of each Write in the loopback benchmarks.
const benchWrite = 16 << 10

// halfCloser is a writer that can end its direction.
type halfCloser interface {
	io.Writer
	CloseWrite() error
}

// benchCopy writes b.N blocks of benchWrite bytes from w to r over
// loopback TCP while a goroutine reads them, and counts the time until the
// reader has seen the end of the stream.
func benchCopy(b *testing.B, w halfCloser, r io.Reader) {
	data := make([]byte, benchWrite)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			if _, err := r.Read(buf); err != nil {
				done <- err
				return
			}
		}
	}()
	b.SetBytes(benchWrite)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := w.Write(data); err != nil {
			b.Fatalf("Write: %v", err)
		}
	}
	if err := w.CloseWrite(); err != nil {
		b.Fatalf("CloseWrite: %v", err)
	}
	if err := <-done; err != io.EOF {
		b.Fatalf("reader: got %v, want io.EOF", err)
	}
}

// BenchmarkRecordLoopback measures the record layer over loopback TCP:
// sealing, the socket and opening, with one goroutine on each side, for
// each cipher.
func BenchmarkRecordLoopback(b *testing.B) {
	for _, c := range []Cipher{ChaCha20Poly1305, AES256GCM} {
		b.Run(string(c), func(b *testing.B) {
			a, d := tcpPair(b)
			client, daemon := newPairWith(b, a, d, c)
			benchCopy(b, client, daemon)
		})
	}
}

// BenchmarkPlainLoopback is the same copy without encryption, the floor
// the record layer is measured against.
func BenchmarkPlainLoopback(b *testing.B) {
	a, d := tcpPair(b)
	benchCopy(b, a.(*net.TCPConn), d)
}
