package nettest

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// LeakWait is how long NoLeaks lets goroutines take to end: they may still
// be unwinding after the connections they served were closed, so the count
// is polled rather than read once.
const LeakWait = 5 * time.Second

// pollEvery is how often the goroutine count is read while waiting.
const pollEvery = 5 * time.Millisecond

// errLeak reports goroutines still running after the wait.
var errLeak = errors.New("goroutines still running; the stacks below show which to stop")

// NoLeaks fails t if, once its cleanups have run, more goroutines are
// running than when NoLeaks was called, after waiting up to LeakWait for
// them to end. Call it first in a test, so that its check runs after the
// test's other cleanups have closed what they opened.
func NoLeaks(t testing.TB) {
	t.Helper()
	t.Cleanup(CheckGoroutines(t, LeakWait))
}

// CheckGoroutines records how many goroutines are running now and returns
// check, which fails t (with every goroutine's stack) unless the count has
// come back to at most that within limit. Use it instead of NoLeaks when
// the count must be checked at a given point of the test, such as after a
// server stops but before the test's cleanups run.
func CheckGoroutines(t testing.TB, limit time.Duration) (check func()) {
	t.Helper()
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		if err := waitGoroutines(before, limit); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// waitGoroutines polls the goroutine count until it is at most before, and
// returns an error wrapping errLeak, with all stacks, if limit passes first.
func waitGoroutines(before int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("got %d goroutines after %v, want at most %d: %w\n%s", n, limit, before, errLeak, allStacks())
		}
		// Polling a count with a bound; there is no event to wait on.
		time.Sleep(pollEvery)
	}
}

// allStacks returns the stacks of all goroutines, growing the buffer until
// none is cut off.
func allStacks() []byte {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}
