package bridge

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pipeFDs counts the file descriptors of this process that are pipes.
func pipeFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd here: %v", err)
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(target, "pipe:") {
			n++
		}
	}
	return n
}

// TestSplicePipesCloseWithTheBridge checks that a spliced bridge holds one
// pipe per direction while it runs and closes both when it ends, at once
// rather than whenever the garbage collector runs.
func TestSplicePipesCloseWithTheBridge(t *testing.T) {
	checkGoroutines(t)
	before := pipeFDs(t)
	endA, a, b, endB := transports[0].conns(t)
	done := runBridge(t, New(Config{}, a, b), context.Background())
	swap(t, endA, endB, []byte("to b"), []byte("to a"))
	if got := pipeFDs(t); got < before+4 {
		t.Errorf("got %d pipe file descriptors while bridging, want %d or more: two pipes of two ends", got, before+4)
	}
	closeAll(endA, endB)
	if r := waitResult(t, done, 10*time.Second); !r.stats.Spliced {
		t.Errorf("got stats %+v, want spliced", r.stats)
	}
	if got := pipeFDs(t); got > before {
		t.Errorf("got %d pipe file descriptors once the bridge ended, want %d at most", got, before)
	}
}

// TestSpliceWithoutPipeCopiesThroughBuffers runs a bridge of two TCP
// sockets when no pipe can be made, as when the process is out of file
// descriptors: the session goes on through pooled buffers.
func TestSpliceWithoutPipeCopiesThroughBuffers(t *testing.T) {
	checkGoroutines(t)
	made := newPipe
	t.Cleanup(func() { newPipe = made })
	newPipe = func() (int, int, error) { return -1, -1, os.NewSyscallError("pipe2", syscall.EMFILE) }
	endA, a, b, endB := transports[0].conns(t)
	done := runBridge(t, New(Config{IdleTimeout: time.Minute}, a, b), context.Background())
	toB, toA := randomBytes(1<<20+3, 5), randomBytes(1<<20+9, 6)
	swap(t, endA, endB, toB, toA)
	closeAll(endA, endB)
	r := waitResult(t, done, 10*time.Second)
	want := Stats{AToB: int64(len(toB)), BToA: int64(len(toA))}
	if r.err != nil || r.stats != want {
		t.Errorf("got %+v, %v, want %+v, nil", r.stats, r.err, want)
	}
}
