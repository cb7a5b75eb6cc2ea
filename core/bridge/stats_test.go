package bridge

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestBridgeLiveStats(t *testing.T) {
	const size = 1 << 20
	eachTransport(t, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		// The idle timeout sets the splice windows, which refresh the
		// counters, to 500 ms, and leaves time to read them.
		br := New(Config{Pool: pool, IdleTimeout: 2 * time.Second}, a, b)
		done := runBridge(t, br, context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := endA.Write(randomBytes(size, 5))
			errc <- err
		}()
		if _, err := io.CopyN(io.Discard, endB, size); err != nil {
			t.Fatalf("got read error %v, want nil", err)
		}
		if err := <-errc; err != nil {
			t.Fatalf("got write error %v, want nil", err)
		}
		want := Stats{AToB: size, Spliced: tr.spliced}
		got := waitStats(br, want, 5*time.Second)
		if got != want {
			t.Errorf("got live stats %+v, want %+v", got, want)
		}
		select {
		case r := <-done:
			t.Fatalf("got bridge end (%v), want it still running", r.err)
		default:
		}
		closeAll(endA, endB)
		waitResult(t, done, 10*time.Second)
	})
}

// waitStats polls br.Stats until it equals want or limit passes, and
// returns the last reading.

func waitStats(br *Bridge, want Stats, limit time.Duration) Stats {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		got := br.Stats()
		if got == want || time.Now().After(deadline) {
			return got
		}
		<-tick.C
	}
}

func TestStatsLogValue(t *testing.T) {
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	log.Info("done", "bytes", Stats{AToB: 3, BToA: 5, Spliced: true})
	want := "level=INFO msg=done bytes.a_to_b=3 bytes.b_to_a=5 bytes.spliced=true\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
