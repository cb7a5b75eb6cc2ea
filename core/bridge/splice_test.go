package bridge

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readChars returns the bytes this process has passed through read(2) so
// far (rchar in /proc/self/io). splice(2) does not count there.
func readChars() (int64, error) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "rchar:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, io.ErrUnexpectedEOF
}

// TestSplicePathKeepsBytesInKernel proves that raw TCP on both sides is
// spliced: the bytes cross read(2) once, at the receiving end, and never in
// the bridge. The wrapped case shows the measure sees the bridge's reads.
func TestSplicePathKeepsBytesInKernel(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("splice is Linux only")
	}
	if _, err := readChars(); err != nil {
		t.Skipf("no read accounting here: %v", err)
	}
	const size = 16 << 20
	tests := []struct {
		tr       transport
		min, max float64 // bytes through read(2), in multiples of size
	}{
		{transports[0], 0.9, 1.5},
		{transports[1], 1.9, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.tr.name, func(t *testing.T) {
			checkGoroutines(t)
			endA, a, b, endB := tt.tr.conns(t)
			done := runBridge(t, New(Config{}, a, b), context.Background())
			before, _ := readChars()
			sendAndShut(t, endA, make([]byte, size))
			n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{endB}, make([]byte, 64<<10))
			if n != size || err != nil {
				t.Fatalf("got %d bytes, error %v, want %d bytes", n, err, size)
			}
			after, _ := readChars()
			if got := float64(after-before) / size; got < tt.min || got > tt.max {
				t.Errorf("got %.2f×%d bytes through read(2), want %.1f to %.1f×", got, size, tt.min, tt.max)
			}
			closeAll(endB)
			r := waitResult(t, done, 10*time.Second)
			if r.stats.Spliced != tt.tr.spliced {
				t.Errorf("got Spliced %v, want %v", r.stats.Spliced, tt.tr.spliced)
			}
		})
	}
}
