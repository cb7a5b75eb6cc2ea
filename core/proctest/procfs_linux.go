package proctest

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

// RSS returns the resident memory of process pid in bytes, the VmRSS line
// of /proc/PID/status.
func RSS(pid int) (int64, error) { return statusBytes(pid, "VmRSS") }

// PeakRSS returns the most resident memory process pid has had, in bytes:
// the VmHWM line of /proc/PID/status.
func PeakRSS(pid int) (int64, error) { return statusBytes(pid, "VmHWM") }

// statusBytes reads the line field of /proc/PID/status, a size in kB.
func statusBytes(pid int, field string) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read the memory of process %d: %w", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("process %d: %s line %q: %w", pid, field, sc.Text(), err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("process %d: no %s line in /proc/%d/status (has it exited?)", pid, field, pid)
}

// FDCount returns how many file descriptors the process holds open.
func (p *Proc) FDCount() (int, error) { return FDCount(p.Cmd.Process.Pid) }

// RSS returns the resident memory of the process in bytes.
func (p *Proc) RSS() (int64, error) { return RSS(p.Cmd.Process.Pid) }

// PeakRSS returns the most resident memory the process has had, in bytes.
func (p *Proc) PeakRSS() (int64, error) { return PeakRSS(p.Cmd.Process.Pid) }
