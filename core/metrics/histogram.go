package metrics

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// histogram counts observations in buckets of fixed upper bounds, as a
// Prometheus histogram: cumulative buckets, a sum and a count.
type histogram struct {
	bounds []float64 // sorted upper bounds, +Inf implied

	mu     sync.Mutex
	counts []uint64 // per bucket, the last one past every bound
	sum    float64
}

func newHistogram(bounds []float64) *histogram {
	b := slices.Clone(bounds)
	slices.Sort(b)
	return &histogram{bounds: b, counts: make([]uint64, len(b)+1)}
}

// observe adds one value.
func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v) // the first bound ≥ v
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.mu.Unlock()
}

// write writes the buckets, the sum and the count of the histogram name
// (a family, with labels or not).
func (h *histogram) write(b *bytes.Buffer, name string) {
	fam, labels, _ := strings.Cut(name, "{")
	labels = strings.TrimSuffix(labels, "}")
	if labels != "" {
		labels += ","
	}
	h.mu.Lock()
	counts, sum := slices.Clone(h.counts), h.sum
	h.mu.Unlock()
	var total uint64
	for i, c := range counts {
		total += c
		le := "+Inf"
		if i < len(h.bounds) {
			le = formatFloat(h.bounds[i])
		}
		b.WriteString(fam + "_bucket{" + labels + `le="` + le + `"} ` + strconv.FormatUint(total, 10) + "\n")
	}
	suffix := ""
	if labels != "" {
		suffix = "{" + strings.TrimSuffix(labels, ",") + "}"
	}
	line(b, fam+"_sum"+suffix, sum)
	b.WriteString(fam + "_count" + suffix + " " + strconv.FormatUint(total, 10) + "\n")
}
