//go:build linux

package e2e

import (
	"testing"
	"time"
)

// BenchmarkHonestUnderAttack runs the attack of
// TestHonestSessionsUnderAttack once per iteration, against a fresh
// world, and reports the share of honest sessions that worked and the p50
// and p99 of their set-up time, from the client's start to its encrypted
// tunnel (the client's own account of its steps), over the sessions that
// worked (0 when none did):
//
//	go test -run '^$' -bench HonestUnderAttack ./e2e
//
// An iteration lasts the attack, some 20 s, so the default -benchtime
// runs one; -benchtime 3x runs three and reports over all their sessions.
func BenchmarkHonestUnderAttack(b *testing.B) {
	var runs []honestRun
	for b.Loop() {
		w := newWorld(b, options{})
		out := fullAttack.run(b, w)
		runs = append(runs, out.honest...)
		for name, c := range out.counters {
			b.Logf("%-20s %s", name, c)
		}
		w.stop()
	}
	s := statsOf(runs)
	b.Logf("%s", s)
	b.ReportMetric(s.rate(), "honest-%")
	b.ReportMetric(float64(s.p50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(s.p99)/float64(time.Millisecond), "p99-ms")
}
