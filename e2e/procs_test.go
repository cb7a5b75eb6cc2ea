//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// pidsWhere lists the processes whose /proc/PID/FILE (environ, cmdline)
// match says is one sought; processes of others, which cannot be read,
// are left out.
func pidsWhere(file string, match func(content string) bool) []int {
	procs, _ := filepath.Glob("/proc/[0-9]*/" + file)
	var pids []int
	for _, path := range procs {
		content, err := os.ReadFile(path)
		if err != nil || !match(string(content)) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(path))); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// endProcesses ends pids, children of this process: SIGTERM, then
// SIGKILL for one still running after a while.
func endProcesses(t testing.TB, what string, pids []int) {
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGTERM)
		if !reap(pid, 10*time.Second) {
			t.Logf("%s %d ignored SIGTERM; killing it", what, pid)
			syscall.Kill(pid, syscall.SIGKILL)
			reap(pid, 5*time.Second)
		}
	}
}
