package procfs

import (
	"os"
	"runtime"
	"testing"
)

func TestStatusBytes(t *testing.T) {
	status := []byte("Name:\tx\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\n")
	if got, err := StatusBytes(status, "VmRSS"); err != nil || got != 1<<20 {
		t.Errorf("got %d, %v, want %d", got, err, 1<<20)
	}
	if _, err := StatusBytes([]byte("VmRSS:\tlots\n"), "VmRSS"); err == nil {
		t.Error("a VmRSS that is no number: got no error")
	}
	if _, err := StatusBytes([]byte("Name:\tx\n"), "VmRSS"); err == nil {
		t.Error("no VmRSS line: got no error")
	}
}

func TestThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	before, err := FDCount(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	during, _ := FDCount(os.Getpid())
	f.Close()
	after, _ := FDCount(os.Getpid())
	if during != before+1 || after != before {
		t.Errorf("got %d, %d, %d descriptors before, with and after a file, want %d, %d, %d", before, during, after, before, before+1, before)
	}
	rss, err := RSS(os.Getpid())
	if err != nil || rss < 1<<20 || rss > 1<<40 {
		t.Errorf("got a resident size of %d bytes (%v), want a plausible one", rss, err)
	}
	if peak, err := PeakRSS(os.Getpid()); err != nil || peak < rss {
		t.Errorf("got a peak resident size of %d bytes (%v), below the current %d", peak, err, rss)
	}
}

func TestNoProcess(t *testing.T) {
	const none = 1 << 30 // above any pid_max
	if _, err := FDCount(none); err == nil {
		t.Error("FDCount of no process: got no error")
	}
	if _, err := RSS(none); err == nil {
		t.Error("RSS of no process: got no error")
	}
	if _, err := PeakRSS(none); err == nil {
		t.Error("PeakRSS of no process: got no error")
	}
}
