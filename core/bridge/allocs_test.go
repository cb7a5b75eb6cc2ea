package bridge

import (
	"context"
	"io"
	"strconv"
	"testing"
	"time"
)

// streamer pushes fixed chunks from one end of a running bridge and reads
// them at the other, one chunk per call to step: the steady state that
// TestSteadyStateAllocsNothing and the benchmarks measure.
type streamer struct {
	chunk, got []byte
	endB       io.Reader
	orders     chan int      // chunk counts for the writer
	errc       chan error    // the writer's failure
	stopped    chan struct{} // closed when the writer returns
}

const chunkSize = 64 << 10

// newStreamer starts a bridge between the ends of tr and a writer
// goroutine, and moves one chunk each way so that both copy loops hold
// their buffers before anything is measured.
func newStreamer(tb testing.TB, tr transport, pool *Pool) *streamer {
	endA, a, b, endB := tr.conns(tb)
	br := New(Config{Pool: pool, IdleTimeout: time.Minute}, a, b)
	done := make(chan error, 1)
	go func() {
		_, err := br.Run(context.Background())
		done <- err
	}()
	s := &streamer{chunk: make([]byte, chunkSize), got: make([]byte, chunkSize), endB: endB,
		orders: make(chan int), errc: make(chan error, 1),
		stopped: make(chan struct{})}
	go func() {
		defer close(s.stopped)
		for n := range s.orders {
			for range n {
				if _, err := endA.Write(s.chunk); err != nil {
					s.errc <- err
					return
				}
			}
		}
	}()
	tb.Cleanup(func() {
		close(s.orders)
		closeAll(endA, endB)
		<-done
		<-s.stopped
	})
	if _, err := endB.Write(s.chunk); err != nil {
		tb.Fatalf("got warm-up write error %v, want nil", err)
	}
	if _, err := io.ReadFull(endA, s.got); err != nil {
		tb.Fatalf("got warm-up read error %v, want nil", err)
	}
	s.step(tb, 1)
	return s
}

// step moves n chunks from endA to endB.
func (s *streamer) step(tb testing.TB, n int) {
	select {
	case s.orders <- n:
	case err := <-s.errc:
		tb.Fatalf("got write error %v, want nil", err)
	}
	for range n {
		if _, err := io.ReadFull(s.endB, s.got); err != nil {
			tb.Fatalf("got read error %v, want nil", err)
		}
	}
}

func TestSteadyStateAllocsNothing(t *testing.T) {
	for _, tr := range transports[:2] {
		for _, size := range bufferSizes {
			t.Run(tr.name+"/"+sizeName(size), func(t *testing.T) {
				s := newStreamer(t, tr, mustPool(size))
				got := testing.AllocsPerRun(200, func() { s.step(t, 1) })
				if got != 0 {
					t.Errorf("got %v allocs per 64 KiB chunk, want 0", got)
				}
			})
		}
	}
}

func sizeName(size int) string {
	return strconv.Itoa(size>>10) + "KiB"
}
