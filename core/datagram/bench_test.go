package datagram

import "testing"

// BenchmarkSplit splits a stream of 1400-byte datagrams read in 32 KiB
// pieces, so frames are cut across pieces as a bridge's reads cut them.
// Once the cut buffer has grown, it allocates nothing.
//
//	go test -run='^$' -bench=Split -benchmem ./core/datagram
func BenchmarkSplit(b *testing.B) {
	var stream []byte
	for range 1000 {
		stream = append(stream, frames(make([]byte, 1400))...)
	}
	var s Splitter
	emit := func([]byte) error { return nil }
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		for p := stream; len(p) > 0; {
			n := min(32<<10, len(p))
			if err := s.Split(p[:n], emit); err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
	}
}
