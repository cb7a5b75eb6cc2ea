//go:build linux

package main

import (
	"fmt"
	"io"
	"strings"
)

// method says how each figure is taken, with this run's settings.
func method(w io.Writer, b *bench) {
	o := b.opts
	fmt.Fprintf(w, `How:

- Everything runs on 127.0.0.1, one tunnel at a time, each set up afresh for every run, to a target
  port on this machine. nport: iperf3 client → nport client → rendezvous → daemon → target, with a
  relay for the control plane; frp: → frps → (TLS, multiplexed) → frpc → target; chisel: → chisel
  server → (SSH over WebSocket) → chisel client → target; direct: the target itself.
- Throughput: iperf3 -t %d, then -t %d -P 4, as iperf3's receiving end counts it.
- Round trip: %d round trips of %d bytes on one connection, after %d untimed ones, to an echo service
  on the target port; nearest-rank p50 and p99.
- CPU: user + system time (/proc/PID/stat) of every process of the tunnel while iperf3 -n %s moves its
  bytes, divided by the GiB received.
- RSS: VmRSS (/proc/PID/status); idle once the tunnel has carried its first round trip, peak the
  highest of samples every %v during the three iperf3 runs; the sum adds each process's own peak.

`, int(o.duration.Seconds()), int(o.duration.Seconds()), o.rtts, requestSize, o.warmup, o.bytes, sampleEvery)
}

func notes(w io.Writer, title string, ns []note) {
	fmt.Fprintf(w, "%s:\n\n", title)
	for _, n := range ns {
		fmt.Fprintf(w, "- %s: %s\n", n.name, n.text)
	}
	fmt.Fprintln(w)
}

// commands lists the command lines of the first run and its
// configuration files. $WORK is the run's temporary folder.
func commands(w io.Writer, b *bench) {
	fmt.Fprintf(w, "Commands of the first run ($WORK is a temporary folder; the ports change from run to run):\n\n```\n%s\n```\n\n",
		strings.Join(b.commands, "\n"))
	for _, c := range b.configs {
		fmt.Fprintf(w, "%s:\n\n```\n%s```\n\n", c.name, c.text)
	}
}
