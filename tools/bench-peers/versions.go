//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// versions tells what was measured, on what, for the report.
func versions(ctx context.Context, b *bench) []note {
	notes := []note{
		{"machine", machine()},
		{"nport", fmt.Sprintf("%s, %s, `CGO_ENABLED=0 go build -trimpath -tags "+releaseTags+" -ldflags '-s -w'`",
			firstLine(ctx, "git", "-C", b.opts.repo, "describe", "--always", "--dirty", "--tags"), firstLine(ctx, "go", "env", "GOVERSION"))},
	}
	for _, name := range peerNames {
		path := b.peer(name)
		if path == "" {
			notes = append(notes, note{name, "missing"})
			continue
		}
		v := firstLine(ctx, path, "--version")
		notes = append(notes, note{name, fmt.Sprintf("`%s --version`: %s, sha256 %s, from %s (its README.md names the commit)",
			name, v, shortSum(path), filepath.Join(b.opts.peers, name+".gz"))})
	}
	if b.iperf3 != "" {
		notes = append(notes, note{"iperf3", firstLine(ctx, b.iperf3, "--version")})
	}
	return notes
}

// machine is the CPU, its count, the kernel and the load when the run began.
func machine() string {
	model := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(info), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%s, %d CPUs, Linux %s, load average %s at the start", model, runtime.NumCPU(),
		strings.TrimSpace(string(kernel)), loadAverage())
}

// loadAverage is the 1, 5 and 15 minute load averages.
func loadAverage() string {
	avg, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(avg))
	if err != nil || len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// shortSum is the first 12 hex digits of a file's SHA-256.
func shortSum(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
