package demo

import (
	"context"
	"io"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/logging"
)

// benchWorld runs a relay, a rendezvous and a daemon in-process on
// loopback, with their default limits, and returns the config of a client
// of them. sshAddr is where the daemon's target may be a real sshd.
func benchWorld(b *testing.B, sshAddr string) (context.Context, client.Config) {
	home := b.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	log := logging.Discard()
	if os.Getenv("NPORT_BENCH_LOG") != "" { // the roles' warnings, to see what failed
		log, _ = logging.New(os.Stderr, logging.Options{Format: logging.FormatText, Level: os.Getenv("NPORT_BENCH_LOG")})
	}
	d := &demo{cfg: Config{Out: io.Discard, SSHAddr: sshAddr}, home: home, log: log, start: time.Now(), failed: make(chan error, 4)}
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
	return ctx, d.clientConfig(relayAddr, tgt)
}

// BenchmarkSessionSetup measures a client's whole set-up, from its start
// (relay connection included) to a ready tunnel, against a relay, a
// rendezvous and a daemon on loopback, and reports p50 and p99 of the runs
// (run with -benchtime=100x for the 100 sessions of the README).
func BenchmarkSessionSetup(b *testing.B) {
	ctx, cfg := benchWorld(b, "127.0.0.1:22")
	benchSetups(b, ctx, cfg)
}

// benchSetups times one whole client set-up per round and reports the
// p50 and p99.
func benchSetups(b *testing.B, ctx context.Context, cfg client.Config) {
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
	reportPercentiles(b, times)
}

// BenchmarkConcurrentSetup starts 1,000 clients of one identity at once,
// each with its own relay connection as separate sshnp processes have,
// against servers with their default limits, and reports how many got a
// ready tunnel and the p50 and p99 of their set-up times (run with
// -benchtime=1x; each round is 1,000 sessions).
func BenchmarkConcurrentSetup(b *testing.B) {
	const n = 1000
	ctx, cfg := benchWorld(b, "127.0.0.1:1") // nothing there: the echo target
	warm, err := client.Connect(ctx, cfg)    // pins the peers' keys once
	if err != nil {
		b.Fatal(err)
	}
	warm.Close()
	var times []time.Duration
	var steps [][]client.Step
	failed := map[string]int{}
	b.ResetTimer()
	for b.Loop() {
		ts, st, errs := setUpAtOnce(ctx, cfg, n)
		times, steps = append(times, ts...), append(steps, st...)
		for _, err := range errs {
			failed[err.Error()]++
		}
	}
	b.StopTimer()
	for msg, count := range failed {
		b.Logf("%d× %s", count, msg)
	}
	logSteps(b, steps)
	b.ReportMetric(100*float64(len(times))/float64(len(times)+sum(failed)), "ok-%")
	reportPercentiles(b, times)
}

// setUpAtOnce runs n set-ups at once and returns the times and steps of
// those that succeeded and the errors of the others, once every session
// is closed.
func setUpAtOnce(ctx context.Context, cfg client.Config, n int) ([]time.Duration, [][]client.Step, []error) {
	var (
		mu       sync.Mutex
		times    []time.Duration
		errs     []error
		sessions []*client.Session
		steps    [][]client.Step
		wg       sync.WaitGroup
	)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			t0 := time.Now()
			s, err := client.Connect(ctx, cfg)
			took := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			times, sessions = append(times, took), append(sessions, s)
			steps = append(steps, s.Steps)
		})
	}
	close(start)
	wg.Wait()
	for _, s := range sessions {
		s.Close()
	}
	return times, steps, errs
}

// logSteps logs the p50 and p99 of each set-up step of the sessions.
func logSteps(b *testing.B, steps [][]client.Step) {
	if len(steps) == 0 {
		return
	}
	for i, st := range steps[0] {
		var ts []time.Duration
		for _, s := range steps {
			if i < len(s) {
				ts = append(ts, s[i].Took)
			}
		}
		slices.Sort(ts)
		b.Logf("step %-28s p50 %6.1f ms, p99 %6.1f ms", st.Name, ms(ts[len(ts)/2]), ms(ts[len(ts)*99/100]))
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// reportPercentiles reports the p50 and p99 of times, in milliseconds.
func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		b.Fatal("no session was set up")
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[(len(times)*99)/100].Microseconds())/1000, "p99-ms")
}
