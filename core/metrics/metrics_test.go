package metrics

import (
	"bytes"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/nport/nport/core/metrics/metricstest"
	"github.com/nport/nport/core/session"
)

// parse reads the registry's metrics with Prometheus's own text parser.
func parse(t *testing.T, r *Registry) metricstest.Families {
	t.Helper()
	var b bytes.Buffer
	r.WritePrometheus(&b)
	return metricstest.Parse(t, b.Bytes())
}

// value is the value of the sample of family whose labels include want.
func value(t *testing.T, fams metricstest.Families, family string, want ...string) float64 {
	t.Helper()
	v, ok := fams.Value(family, want...)
	if !ok {
		t.Fatalf("no sample of %s with labels %v", family, want)
	}
	return v
}

func TestSessionCounts(t *testing.T) {
	r := New(RoleRendezvous)
	id := session.NewID()
	r.Expect(id, Parties{Daemon: "@garage_pi", Device: "pi"})
	var c2d, d2c int64 = 100, 2000
	s := r.Start(id, Parties{Client: "@alice"}, 30*time.Millisecond, func() (int64, int64) { return c2d, d2c })
	fams := parse(t, r)
	if got := value(t, fams, SessionsLive); got != 1 {
		t.Errorf("live: got %v, want 1", got)
	}
	if got := value(t, fams, SessionBytes, "direction", DaemonToClient); got != 2000 {
		t.Errorf("bytes of a live session: got %v, want 2000", got)
	}
	snap := r.Snapshot()
	if len(snap.Sessions) != 1 || snap.Sessions[0].Device != "pi" || snap.Sessions[0].Client != "@alice" || snap.Sessions[0].ID != id.Short() {
		t.Errorf("snapshot sessions: got %+v, want one with @alice, device pi, id %s", snap.Sessions, id.Short())
	}
	d2c = 3000
	s.End("closed")
	s.End("closed") // counted once
	fams = parse(t, r)
	for _, c := range []struct {
		family string
		labels []string
		want   float64
	}{
		{SessionsTotal, nil, 1},
		{SessionsLive, nil, 0},
		{SessionsEnded, []string{"reason", "closed"}, 1},
		{SessionBytes, []string{"direction", ClientToDaemon}, 100},
		{SessionBytes, []string{"direction", DaemonToClient}, 3000},
		{SessionSetup, nil, 1},
	} {
		if got := value(t, fams, c.family, c.labels...); got != c.want {
			t.Errorf("%s%v: got %v, want %v", c.family, c.labels, got, c.want)
		}
	}
	if got := fams[SessionsTotal].GetType(); got != dto.MetricType_COUNTER {
		t.Errorf("type of %s: got %v, want counter", SessionsTotal, got)
	}
	if h := fams[SessionSetup].Metric[0].Histogram; h.GetSampleSum() != 0.03 {
		t.Errorf("set-up sum: got %v, want 0.03", h.GetSampleSum())
	}
}

func TestRefusalsAndLabels(t *testing.T) {
	r := New(RoleRelay)
	r.Refuse("limit", "max-sessions", "@bob", "too many")
	r.Refuse("limit", "max-sessions", "@bob", strings.Repeat("x", 500))
	r.Inc(Name("nport_messages_total", "result", `we"ird\`+"\n"))
	fams := parse(t, r)
	if got := value(t, fams, Refusals, "reason", "limit", "limit", "max-sessions"); got != 2 {
		t.Errorf("refusals: got %v, want 2", got)
	}
	if got := value(t, fams, "nport_messages_total", "result", `we"ird\`+"\n"); got != 1 {
		t.Errorf("escaped label: got %v, want 1", got)
	}
	snap := r.Snapshot()
	if len(snap.Refusals) != 2 || len(snap.Refusals[0].Message) > 210 || snap.Refusals[1].Message != "too many" {
		t.Errorf("latest refusals, newest first and clipped: got %+v", snap.Refusals)
	}
	for range MaxRefusals + 5 {
		r.Refuse("unauthorized", "", "", "")
	}
	if got := len(r.Snapshot().Refusals); got != MaxRefusals {
		t.Errorf("kept %d refusals, want %d", got, MaxRefusals)
	}
}

func TestIdentities(t *testing.T) {
	r := New(RoleRelay)
	r.Connected("@garage", false)
	r.Connected("@garage", false)
	r.Connected("@rv", true)
	r.Disconnected("@rv")
	fams := parse(t, r)
	if got := value(t, fams, IdentitiesLive); got != 1 {
		t.Errorf("identities: got %v, want 1", got)
	}
	if got := value(t, fams, ConnectionsLive); got != 2 {
		t.Errorf("connections: got %v, want 2", got)
	}
	ids := r.Snapshot().Identities
	if len(ids) != 1 || ids[0].Name != "@garage" || ids[0].Connections != 2 {
		t.Errorf("identities: got %+v, want @garage with 2 connections", ids)
	}
}

func TestHistoryAndRate(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	r := New(RoleDaemon)
	r.setClock(func() time.Time { return now })
	var moved int64
	r.Start(session.NewID(), Parties{}, 0, func() (int64, int64) { return moved, 0 })
	for range 400 { // more than an hour of samples
		now = now.Add(SampleEvery)
		moved += 1000
		r.Sample()
	}
	snap := r.Snapshot()
	if got, want := len(snap.History), int(HistorySpan/SampleEvery)+1; got != want {
		t.Errorf("history holds %d samples, want %d and one for now", got, want)
	}
	if last := snap.History[len(snap.History)-2]; last.Moved != 1000 || last.Live != 1 {
		t.Errorf("last sample: got %+v, want 1000 bytes and 1 session", last)
	}
	now = now.Add(2 * time.Second)
	moved += 500
	if got := r.Snapshot().Sessions[0].Rate; got != 250 {
		t.Errorf("rate: got %v B/s, want 250", got)
	}
}

func TestNilRegistry(t *testing.T) {
	var r *Registry
	r.Inc("x")
	r.Refuse("a", "b", "c", "d")
	r.Connected("@a", false)
	r.Start(session.NewID(), Parties{}, 0, nil).End("closed")
	r.Sample()
	var b bytes.Buffer
	r.WritePrometheus(&b)
	if b.Len() != 0 {
		t.Errorf("a nil registry wrote %q", b.String())
	}
}

func BenchmarkInc(b *testing.B) {
	r := New(RoleRelay)
	name := Name("nport_messages_total", "result", "delivered")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Inc(name)
		}
	})
}
