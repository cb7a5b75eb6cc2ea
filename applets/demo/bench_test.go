package demo

import (
	"context"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/logging"
)

// BenchmarkSessionSetup measures a client's whole set-up, from its start
// (relay connection included) to a ready tunnel, against a relay, a
// rendezvous and a daemon on loopback, and reports p50 and p99 of the runs
// (run with -benchtime=100x for the 100 sessions of the README).
func BenchmarkSessionSetup(b *testing.B) {
	home := b.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	d := &demo{cfg: Config{Out: io.Discard}, home: home, log: logging.Discard(), start: time.Now(), failed: make(chan error, 4)}
	b.Cleanup(func() { cancel(); d.wg.Wait(); os.RemoveAll(home) })
	relayAddr, err := d.startRelay(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tgt, err := d.target(ctx)
	if err == nil {
		err = d.startRendezvous(ctx, relayAddr)
	}
	if err == nil {
		err = d.startDaemon(ctx, relayAddr, tgt)
	}
	if err != nil {
		b.Fatal(err)
	}
	cfg := d.clientConfig(relayAddr, tgt)
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		s, err := client.Connect(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		s.Close()
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[(len(times)*99)/100].Microseconds())/1000, "p99-ms")
}
