//go:build linux

package main

import (
	"errors"
	"slices"
)

// results are the runs of every tunnel, in the order they were measured.
type results struct {
	tunnels []string
	runs    map[string][]*runResult
}

func newResults(tunnels []string) *results {
	return &results{tunnels: tunnels, runs: map[string][]*runResult{}}
}

func (r *results) add(tunnel string, run *runResult) {
	r.runs[tunnel] = append(r.runs[tunnel], run)
}

// series is one figure over the runs of one tunnel.
type series struct {
	vals []float64
	errs []error // of the runs that gave no value, without repeats
	na   bool    // the figure has no meaning for this tunnel
}

func (r *results) series(tunnel, key string) series {
	var s series
	for _, run := range r.runs[tunnel] {
		f, ok := run.figs[key]
		switch {
		case !ok:
		case errors.Is(f.err, errNoTunnel):
			s.na = true
		case f.err != nil:
			if !slices.ContainsFunc(s.errs, func(e error) bool { return e.Error() == f.err.Error() }) {
				s.errs = append(s.errs, f.err)
			}
		default:
			s.vals = append(s.vals, f.v)
		}
	}
	return s
}

// procs are the names of a tunnel's processes over its runs.
func (r *results) procs(tunnel string) []string {
	var names []string
	for _, run := range r.runs[tunnel] {
		for _, n := range run.procs {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// median of vals, which it sorts; 0 for none.
func median(vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}
