//go:build linux

package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// allTunnels are the set-ups measured, in the order they run and are shown.
var allTunnels = []string{"direct", "nport", "frp", "chisel"}

// options are the command line's settings.
type options struct {
	repo, peers, cache string
	duration           time.Duration // of each throughput run
	bytes              string        // moved for the CPU figure, as iperf3 -n takes it
	rtts, warmup       int           // 64-byte round trips timed, and done before
	count              int           // runs of every tunnel
	tunnels            []string
	readyTimeout       time.Duration
	verbose            bool
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench-peers", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "bench-peers measures nport's tunnel beside frp's and chisel's on 127.0.0.1 and prints a\n"+
			"markdown table. It needs iperf3 and the peers' binaries; see README.md, Performance.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.repo, "repo", ".", "the nport repository to build")
	fs.StringVar(&o.peers, "peers", "", "folder of frps.gz, frpc.gz, chisel.gz (default: REPO/../shared/peers)")
	fs.StringVar(&o.cache, "cache", defaultCache(), "where the peers' binaries are unpacked")
	fs.DurationVar(&o.duration, "time", 5*time.Second, "length of each throughput run")
	fs.StringVar(&o.bytes, "bytes", "4G", "bytes moved for the CPU figure, as iperf3 -n takes them (K/M/G are powers of 1024)")
	fs.IntVar(&o.rtts, "rtts", 10000, "64-byte round trips timed")
	fs.IntVar(&o.warmup, "warmup", 1000, "64-byte round trips before the timed ones")
	fs.IntVar(&o.count, "count", 1, "runs of every tunnel, one after the other; the table shows the median and the range")
	only := fs.String("only", strings.Join(allTunnels, ","), "tunnels to measure, comma-separated")
	quick := fs.Bool("quick", false, "a short run: -time 1s -bytes 256M -rtts 2000 -warmup 200, unless given")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 30*time.Second, "how long a tunnel may take to come up")
	fs.BoolVar(&o.verbose, "v", false, "copy every process's output to stderr")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *quick {
		applyQuick(fs, &o)
	}
	return o, o.finish(*only)
}

// applyQuick shortens the runs whose flags were not given.
func applyQuick(fs *flag.FlagSet, o *options) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	quick := map[string]string{"time": "1s", "bytes": "256M", "rtts": "2000", "warmup": "200"}
	for name, v := range quick {
		if !set[name] {
			fs.Set(name, v)
		}
	}
}

// finish checks the settings and fills in the defaults that depend on others.
func (o *options) finish(only string) error {
	if o.peers == "" {
		o.peers = filepath.Join(o.repo, "..", "shared", "peers")
	}
	for _, k := range strings.Split(only, ",") {
		if k = strings.TrimSpace(k); !slices.Contains(allTunnels, k) {
			return o.fail("-only: unknown tunnel %q (known: %s)", k, strings.Join(allTunnels, ", "))
		}
		o.tunnels = append(o.tunnels, k)
	}
	if o.count < 1 || o.rtts < 1 || o.warmup < 0 || o.duration < time.Second {
		return o.fail("-count and -rtts must be at least 1, -warmup at least 0, -time at least 1s")
	}
	return nil
}

func (o *options) fail(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	fmt.Fprintln(os.Stderr, "bench-peers:", err)
	return err
}

func defaultCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "nport-peers")
}
