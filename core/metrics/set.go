package metrics

import (
	"bytes"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Kinds of metric, as the text format's TYPE line says them.
const (
	kindCounter   = "counter"
	kindGauge     = "gauge"
	kindHistogram = "histogram"
)

// set holds the metrics of a registry by name (a family with labels) and
// writes them in the Prometheus text format, version 0.0.4.
type set struct {
	mu     sync.Mutex // held to add a series
	series sync.Map   // name → *series; read without a lock on every count
}

// series is one metric: a counter, a function read at each scrape, or a
// histogram.
type series struct {
	name, family string
	kind         string
	count        atomic.Uint64  // a counter
	read         func() float64 // a counter or gauge read at scrapes
	hist         *histogram
}

func newSet() *set { return &set{} }

// get returns the series name, made by make on first use.
func (s *set) get(name string, make func() *series) *series {
	if m, ok := s.series.Load(name); ok {
		return m.(*series)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.series.Load(name); ok {
		return m.(*series)
	}
	m := make()
	m.name, m.family = name, family(name)
	s.series.Store(name, m)
	return m
}

// all returns every series.
func (s *set) all() []*series {
	var out []*series
	s.series.Range(func(_, m any) bool {
		out = append(out, m.(*series))
		return true
	})
	return out
}

func (s *set) counter(name string) *series {
	return s.get(name, func() *series { return &series{kind: kindCounter} })
}

func (s *set) function(name, kind string, f func() float64) {
	s.get(name, func() *series { return &series{kind: kind, read: f} })
}

func (s *set) histogram(name string, bounds []float64) *histogram {
	return s.get(name, func() *series { return &series{kind: kindHistogram, hist: newHistogram(bounds)} }).hist
}

// sum is the total of the counters of family.
func (s *set) sum(family string) uint64 {
	var n uint64
	for _, m := range s.all() {
		if m.family == family && m.kind == kindCounter && m.read == nil {
			n += m.count.Load()
		}
	}
	return n
}

// family is the metric name without its labels.
func family(name string) string {
	f, _, _ := strings.Cut(name, "{")
	return f
}

// write writes every series, grouped by family in name order, each family
// after its HELP and TYPE lines. The functions are read with no lock
// held, so that they may take locks of their own.
func (s *set) write(w io.Writer) {
	all := s.all()
	slices.SortFunc(all, func(a, b *series) int {
		if c := strings.Compare(a.family, b.family); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var b bytes.Buffer
	prev := ""
	for _, m := range all {
		if m.family != prev {
			prev = m.family
			if h := help[m.family]; h != "" {
				b.WriteString("# HELP " + m.family + " " + h + "\n")
			}
			b.WriteString("# TYPE " + m.family + " " + m.kind + "\n")
		}
		switch {
		case m.hist != nil:
			m.hist.write(&b, m.name)
		case m.read != nil:
			line(&b, m.name, m.read())
		default:
			b.WriteString(m.name + " " + strconv.FormatUint(m.count.Load(), 10) + "\n")
		}
	}
	_, _ = w.Write(b.Bytes())
}

// line writes one sample.
func line(b *bytes.Buffer, name string, v float64) {
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(formatFloat(v))
	b.WriteByte('\n')
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
