package metrics

import "github.com/nport/nport/core/admission"

// Gate registers the metrics of the sockets in their handshake, as an
// admission gate counts them: pending now, shed and refused so far.
func (r *Registry) Gate(stats func() admission.Stats) {
	if r == nil {
		return
	}
	r.Gauge("nport_handshakes_pending", func() float64 { return float64(stats().Pending) })
	r.Gauge("nport_handshakes_peak", func() float64 { return float64(stats().PeakPending) })
	r.CounterFunc(Name("nport_handshakes_shed_total", "limit", "max-handshakes"), func() float64 { return float64(stats().ShedGlobal) })
	r.CounterFunc(Name("nport_handshakes_shed_total", "limit", "max-handshakes-per-source"), func() float64 { return float64(stats().ShedPerSource) })
	r.CounterFunc(Name("nport_handshakes_refused_total", "limit", "max-handshakes-per-source"), func() float64 { return float64(stats().RefusedPerSource) })
}
