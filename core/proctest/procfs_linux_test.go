package proctest

import (
	"os"
	"testing"

	"github.com/nport/nport/core/nettest"
)

func TestFDCountSeesAFileOpened(t *testing.T) {
	nettest.NoLeaks(t)
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
}

func TestRSSOfThisProcess(t *testing.T) {
	nettest.NoLeaks(t)
	rss, err := RSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 || rss > 1<<40 {
		t.Errorf("got a resident size of %d bytes, want a plausible one", rss)
	}
	peak, err := PeakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if peak < rss {
		t.Errorf("got a peak resident size of %d bytes, below the current %d", peak, rss)
	}
}

func TestProcfsOfNoProcess(t *testing.T) {
	nettest.NoLeaks(t)
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
