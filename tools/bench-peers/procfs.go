//go:build linux

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// userHZ is the unit of /proc/PID/stat's times: fixed at 100 on Linux,
// whatever the kernel's own tick rate.
const userHZ = 100

// cpuSeconds is the user and system time of every thread of process pid.
func cpuSeconds(pid int) (float64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the CPU time of process %d: %w", pid, err)
	}
	return parseStatTimes(string(stat))
}

// parseStatTimes reads utime and stime (fields 14 and 15) from a
// /proc/PID/stat line. The command name, field 2, may hold spaces and
// parentheses, so fields are counted from its last ')'.
func parseStatTimes(stat string) (float64, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc stat line %.40q: no command name", stat)
	}
	f := strings.Fields(stat[end+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat line %.40q: %d fields after the name, want 13 or more", stat, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc stat line %.40q: utime %q, stime %q are not numbers", stat, f[11], f[12])
	}
	return float64(utime+stime) / userHZ, nil
}

// listening reports whether a socket listens on 127.0.0.1:port or
// 0.0.0.0:port, from /proc/net/tcp, without connecting to it: a probe
// connection would count as a test to iperf3.
func listening(port int) (bool, error) {
	table, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false, fmt.Errorf("read the socket table: %w", err)
	}
	return listensOn(string(table), port), nil
}

// listensOn looks for a listening socket (state 0A) on port in a
// /proc/net/tcp table.
func listensOn(table string, port int) bool {
	hexPort := fmt.Sprintf(":%04X", port)
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[3] != "0A" {
			continue
		}
		if f[1] == "0100007F"+hexPort || f[1] == "00000000"+hexPort {
			return true
		}
	}
	return false
}
