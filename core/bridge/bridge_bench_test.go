package bridge

import "testing"

// The benchmarks stream 64 KiB chunks through one long-lived bridge over
// loopback TCP, so that allocs/op shows the steady state:
//
//	go test -run='^$' -bench=Bridge -benchmem ./core/bridge

// BenchmarkBridgeTCP has raw TCP on both sides: the splice path. The buffer
// size is not used there; it is kept to compare with the wrapped case.
func BenchmarkBridgeTCP(b *testing.B) {
	benchmarkBridge(b, transports[0])
}

// BenchmarkBridgeWrapped hides the TCP conns behind another type, so the
// pooled-buffer loop copies.
func BenchmarkBridgeWrapped(b *testing.B) {
	benchmarkBridge(b, transports[1])
}

func benchmarkBridge(b *testing.B, tr transport) {
	for _, size := range bufferSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			s := newStreamer(b, tr, mustPool(size))
			b.SetBytes(chunkSize)
			b.ReportAllocs()
			b.ResetTimer()
			s.step(b, b.N)
		})
	}
}
