//go:build linux

package main

import (
	"os"
	"strings"
	"testing"

	"github.com/nport/nport/core/nettest"
)

func TestParseStatTimes(t *testing.T) {
	nettest.NoLeaks(t)
	// The name holds a space and a ')', as a process may name itself.
	stat := "4242 (a) b) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 130 0 0 20 0 7 0 100 0 0"
	got, err := parseStatTimes(stat)
	if err != nil || got != 3.8 {
		t.Errorf("got %v, %v, want 3.8 s (250 + 130 ticks)", got, err)
	}
	for _, bad := range []string{"", "4242 no name", "4242 (x) S 1 2 3", "4242 (x) S 1 2 3 4 5 6 7 8 9 a b c"} {
		if _, err := parseStatTimes(bad); err == nil {
			t.Errorf("%q: got no error", bad)
		}
	}
}

func TestCPUSecondsOfThisProcess(t *testing.T) {
	nettest.NoLeaks(t)
	if _, err := cpuSeconds(os.Getpid()); err != nil {
		t.Error(err)
	}
	if _, err := cpuSeconds(1 << 30); err == nil {
		t.Error("a process that does not exist: got no error")
	}
}

func TestListensOn(t *testing.T) {
	nettest.NoLeaks(t)
	table := strings.Join([]string{
		"  sl  local_address rem_address   st tx_queue rx_queue",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000",
		"   1: 00000000:0016 00000000:0000 0A 00000000:00000000",
		"   2: 0100007F:1F91 0100007F:9C40 01 00000000:00000000",
		"   3: 0200007F:1F92 00000000:0000 0A 00000000:00000000",
	}, "\n")
	for port, want := range map[int]bool{8080: true, 22: true, 8081: false, 8082: false, 9999: false} {
		if got := listensOn(table, port); got != want {
			t.Errorf("port %d: got %v, want %v", port, got, want)
		}
	}
}

func TestParseIperf(t *testing.T) {
	nettest.NoLeaks(t)
	got, err := parseIperf([]byte(`{"start":{},"end":{"sum_sent":{"bytes":9},"sum_received":{"bytes":4294967296,"bits_per_second":1.5e9}}}`))
	if err != nil || got.bytes != 1<<32 || got.bps != 1.5e9 {
		t.Errorf("got %+v, %v, want 4 GiB at 1.5 Gbit/s", got, err)
	}
	for _, bad := range []string{``, `{"error":"unable to connect to server"}`, `{"end":{}}`, `not json`} {
		if _, err := parseIperf([]byte(bad)); err == nil {
			t.Errorf("%q: got no error", bad)
		}
	}
}
