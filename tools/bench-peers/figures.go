//go:build linux

package main

import "errors"

// The figures of one run of one tunnel, in the order of the table's rows.
const (
	figOne  = "throughput, 1 stream (Gbit/s)"
	figFour = "throughput, 4 streams (Gbit/s)"
	figP50  = "64 B round trip p50 (µs)"
	figP99  = "64 B round trip p99 (µs)"
	figCPU  = "CPU per GiB moved, all processes (s)"
	figIdle = "RSS idle, all processes (MiB)"
	figPeak = "RSS peak during transfers, all processes (MiB)"
)

var figureOrder = []string{figOne, figFour, figP50, figP99, figCPU, figIdle, figPeak}

// Per-process figures are keyed by kind and process name.
const (
	procCPU  = "cpu"
	procIdle = "idle"
	procPeak = "peak"
)

// errNoTunnel marks the figures that have no meaning without a tunnel.
var errNoTunnel = errors.New("n/a")

// figure is one value, or why there is none.
type figure struct {
	v   float64
	err error
}

// runResult is one run of one tunnel.
type runResult struct {
	figs  map[string]figure
	procs []string // the tunnel's processes, in the order they started
}

func procKey(kind, name string) string { return kind + "/" + name }

func (r *runResult) set(key string, v float64, err error) { r.figs[key] = figure{v, err} }

// failAll gives every figure the same reason.
func (r *runResult) failAll(err error) {
	for _, f := range figureOrder {
		r.set(f, 0, err)
	}
}
