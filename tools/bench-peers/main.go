//go:build linux

// Command bench-peers measures nport's tunnel side by side with frp's and
// chisel's, and with no tunnel at all, on 127.0.0.1: iperf3 throughput with
// one and four streams, the round trip of 64-byte requests, the CPU time
// every process of a tunnel spends per GiB moved, and their resident
// memory. It prints one markdown table. `just bench-peers` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench-peers:", err)
		os.Exit(1)
	}
	if ctx.Err() != nil {
		os.Exit(130)
	}
}

// run prepares the binaries, measures every tunnel asked for count times,
// one after the other, and prints the report, also after an interruption.
func run(ctx context.Context, opts options) error {
	b, err := prepare(ctx, opts)
	if err != nil {
		return err
	}
	defer b.close()
	res := newResults(opts.tunnels)
	for rep := 1; rep <= opts.count && ctx.Err() == nil; rep++ {
		for _, k := range opts.tunnels {
			if ctx.Err() != nil {
				break
			}
			b.progress("run %d of %d: %s", rep, opts.count, k)
			if r := b.measure(ctx, k); ctx.Err() == nil {
				res.add(k, r) // a run cut short by Ctrl-C is left out
			}
		}
		b.recording = false
	}
	if ctx.Err() != nil {
		b.progress("interrupted: the table holds the runs finished so far")
	}
	report(os.Stdout, b, res)
	return nil
}
