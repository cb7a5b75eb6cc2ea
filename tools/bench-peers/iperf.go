//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// iperfInstall is what to do when iperf3 is missing.
const iperfInstall = "iperf3 not found: install it (Debian, Ubuntu: apt-get install -y iperf3)"

// transfer is what one iperf3 test moved, as its receiver counted it.
type transfer struct {
	bytes int64
	bps   float64 // bits per second
}

// iperfReport is the part of iperf3 -J's output read here.
type iperfReport struct {
	Error string `json:"error"`
	End   struct {
		SumReceived struct {
			Bytes         int64   `json:"bytes"`
			BitsPerSecond float64 `json:"bits_per_second"`
		} `json:"sum_received"`
	} `json:"end"`
}

// parseIperf reads iperf3 -J's report of one test.
func parseIperf(out []byte) (transfer, error) {
	var r iperfReport
	if err := json.Unmarshal(out, &r); err != nil {
		return transfer{}, fmt.Errorf("iperf3's report: %w (output %.80q)", err, out)
	}
	if r.Error != "" {
		return transfer{}, fmt.Errorf("iperf3: %s", r.Error)
	}
	s := r.End.SumReceived
	if s.Bytes <= 0 {
		return transfer{}, errors.New("iperf3 reports nothing received")
	}
	return transfer{bytes: s.Bytes, bps: s.BitsPerSecond}, nil
}

// iperf runs one iperf3 test from the tunnel's port to a one-off iperf3
// server on the target port; args say how long or how much (-t, -n, -P).
func (t *tunnel) iperf(ctx context.Context, target int, limit time.Duration, args ...string) (transfer, error) {
	if t.b.iperf3 == "" {
		return transfer{}, errors.New(iperfInstall)
	}
	argv := []string{t.b.iperf3, "-s", "-1", "-B", "127.0.0.1", "-p", strconv.Itoa(target)}
	t.b.record(argvString(argv), target, t.port)
	srv, err := t.b.sup.start(spec{name: "iperf3 server", argv: argv})
	if err != nil {
		return transfer{}, err
	}
	defer srv.stop()
	what := fmt.Sprintf("iperf3 server on port %d", target)
	if err := waitUntil(ctx, t.b.opts.readyTimeout, what, []*proc{srv}, listeningOn(target)); err != nil {
		return transfer{}, err
	}
	argv = append([]string{t.b.iperf3, "-c", "127.0.0.1", "-p", strconv.Itoa(t.port), "-J"}, args...)
	t.b.record(argvString(argv), target, t.port)
	return runIperfClient(ctx, limit, argv)
}

// runIperfClient runs the iperf3 client to its end, within limit.
func runIperfClient(ctx context.Context, limit time.Duration, argv []string) (transfer, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	tr, perr := parseIperf(out)
	if perr == nil {
		return tr, nil
	}
	if ctx.Err() != nil {
		return transfer{}, fmt.Errorf("iperf3 client: no result within %v", limit)
	}
	if err != nil && len(out) == 0 {
		return transfer{}, fmt.Errorf("iperf3 client: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	return transfer{}, perr
}
