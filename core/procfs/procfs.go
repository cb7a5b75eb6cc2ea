// Package procfs reads what Linux's /proc says of a process: its open
// file descriptors and its memory. The tests that watch our servers and
// the side-by-side benchmark share it; elsewhere than Linux every call
// fails.
package procfs

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// FDCount returns how many file descriptors process pid holds open, from
// /proc/PID/fd: sockets, pipes and files alike.
func FDCount(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("count the file descriptors of process %d: %w", pid, err)
	}
	return len(entries), nil
}

// RSS returns the resident memory of process pid in bytes: the VmRSS line
// of /proc/PID/status.
func RSS(pid int) (int64, error) { return statusBytes(pid, "VmRSS") }

// PeakRSS returns the most resident memory process pid has had, in bytes:
// the VmHWM line of /proc/PID/status.
func PeakRSS(pid int) (int64, error) { return statusBytes(pid, "VmHWM") }

// statusBytes reads the size line field of /proc/PID/status.
func statusBytes(pid int, field string) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read the memory of process %d: %w", pid, err)
	}
	n, err := StatusBytes(status, field)
	if err != nil {
		return 0, fmt.Errorf("process %d: %w (has it exited?)", pid, err)
	}
	return n, nil
}

// StatusBytes reads a "Field:   123 kB" line of a /proc/PID/status text,
// in bytes.
func StatusBytes(status []byte, field string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc status line %q: %w", sc.Text(), err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("no %s line in /proc status", field)
}
