// Package metrics counts what a relay, a rendezvous or a daemon does, for
// Prometheus (`/metrics`) and for the status page (`/`, `/status.json`,
// `nport status`): connections, handshakes, sessions, bytes, refusals,
// queues. Nothing it holds is a key, a token or a payload: counters, short
// session ids, identity names and the reasons of refusals.
//
// A nil *Registry is valid and counts nothing, so the hooks in the code
// paths are one line each and cost nothing when --metrics is off.
package metrics

import (
	"io"
	"strings"
	"sync"
	"time"

	"github.com/nport/nport/core/buildinfo"
	"github.com/nport/nport/core/session"
)

// Registry holds one process's metrics and the state its status page
// shows. Its methods may be called from any goroutine, and on nil.
type Registry struct {
	role    string
	started time.Time
	now     func() time.Time
	set     *set

	mu         sync.Mutex
	info       []Info // what the process says about itself
	live       map[*Session]struct{}
	ended      [2]int64             // bytes of the sessions that ended, each way
	refusals   ring[Refusal]        // the latest refusals
	history    ring[Sample]         // sessions and bytes over the last hour
	identities map[string]*Identity // the identities connected, on a relay
	expected   map[session.ID]expected
}

// Roles of the processes that serve metrics.
const (
	RoleRelay      = "relay"
	RoleRendezvous = "rendezvous"
	RoleDaemon     = "daemon"
)

// Sizes of the status page's lists.
const (
	// MaxRefusals is how many of the latest refusals are kept.
	MaxRefusals = 20
	// SampleEvery is the spacing of the history's samples.
	SampleEvery = 10 * time.Second
	// HistorySpan is how far back the history goes.
	HistorySpan = time.Hour
)

// New returns the registry of a process of the given role.
func New(role string) *Registry {
	r := &Registry{
		role:     role,
		now:      time.Now,
		set:      newSet(),
		live:     make(map[*Session]struct{}),
		refusals: newRing[Refusal](MaxRefusals),
		history:  newRing[Sample](int(HistorySpan / SampleEvery)),
	}
	r.started = r.now()
	r.Gauge(Name("nport_build_info", "role", role, "version", buildinfo.Version), func() float64 { return 1 })
	r.Gauge("nport_uptime_seconds", func() float64 { return r.now().Sub(r.started).Seconds() })
	if role == RoleRelay {
		r.identityGauges()
	} else {
		r.sessionGauges()
	}
	return r
}

// setClock replaces the registry's clock, for tests; call it before use.
func (r *Registry) setClock(now func() time.Time) {
	r.now = now
	r.started = now()
}

// Inc adds one to the counter name (a metric name with its labels, as
// Name builds it).
func (r *Registry) Inc(name string) {
	if r != nil {
		r.set.counter(name).count.Add(1)
	}
}

// Add adds n to the counter name.
func (r *Registry) Add(name string, n int) {
	if r != nil && n > 0 {
		r.set.counter(name).count.Add(uint64(n))
	}
}

// Gauge registers f as the value of gauge name, read at each scrape. A
// name registered twice keeps its first function.
func (r *Registry) Gauge(name string, f func() float64) {
	if r != nil {
		r.set.function(name, kindGauge, f)
	}
}

// CounterFunc registers f as the value of counter name, read at each
// scrape: a count kept elsewhere, that only grows.
func (r *Registry) CounterFunc(name string, f func() float64) {
	if r != nil {
		r.set.function(name, kindCounter, f)
	}
}

// setupBuckets are the upper bounds of the set-up time histograms, in
// seconds: a LAN set-up takes milliseconds, a far relay hundreds of them.
var setupBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Observe records d in the set-up time histogram name.
func (r *Registry) Observe(name string, d time.Duration) {
	if r != nil {
		r.set.histogram(name, setupBuckets).observe(d.Seconds())
	}
}

// WritePrometheus writes every metric in the Prometheus text format.
func (r *Registry) WritePrometheus(w io.Writer) {
	if r != nil {
		r.set.write(w)
	}
}

// Name is a metric name with labels: Name("x_total", "reason", "limit")
// is x_total{reason="limit"}. Values are escaped as the text format wants.
func Name(family string, labels ...string) string {
	if len(labels) < 2 {
		return family
	}
	var b strings.Builder
	b.WriteString(family)
	b.WriteByte('{')
	for i := 0; i+1 < len(labels); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(labels[i])
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(labels[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// Reconnects counts the retries of a relay connection that failed or was
// lost, in the processes that keep one (rendezvous, daemon).
const Reconnects = "nport_relay_reconnects_total"

// InboxDrops counts the messages a full inbox dropped, in the processes
// that answer requests through a relay (rendezvous, daemon).
const InboxDrops = "nport_inbox_dropped_total"
