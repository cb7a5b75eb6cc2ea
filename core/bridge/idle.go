package bridge

import (
	"fmt"
	"math"
	"time"
)

// The idle watchdog closes a bridge when no byte was read from either side
// for IdleTimeout. One timer per bridge rechecks when the timeout could next
// be reached, rather than a deadline per read: a deadline costs a timer
// update on every read, and on the splice path there are no reads to hook.
//
// On the pooled-buffer path each read that returns bytes stores the clock in
// an atomic, so the watchdog knows when each direction last read.
//
// On the splice path the kernel moves the bytes and Go says nothing until
// ReadFrom returns, so each direction copies in windows: a read deadline
// ends the window, ReadFrom returns the bytes it moved, and the next window
// opens. The deadline only interrupts splice's wait for data, so nothing is
// lost. While a window is open the watchdog cannot see into it, and counts
// the direction quiet only up to the window's start. A window still open a
// whole window after its deadline belongs to a direction stuck writing to a
// peer that stopped reading; it has read nothing since the deadline, so it
// counts as quiet from there, as a stuck write does on the buffered path.
// The timeout is thus enforced late by about one window, never early.
// Windows also refresh the byte counters, so without an idle timeout they
// still close every spliceRefresh.

// spliceRefresh is the longest splice window: how stale the byte counters
// of a spliced bridge may get. A window end costs one deadline error.
const spliceRefresh = 10 * time.Second

// now reads the idle clock: monotonic nanoseconds since Run started.
func (br *Bridge) now() int64 { return int64(time.Since(br.start)) }

// window is the length of a splice window.
func (br *Bridge) window() time.Duration {
	if br.idle <= 0 {
		return spliceRefresh
	}
	return min(max(br.idle/4, time.Millisecond), spliceRefresh)
}

// openWindow starts a splice window for h and returns its read deadline.
func (br *Bridge) openWindow(h *half) time.Time {
	br.dogMu.Lock()
	defer br.dogMu.Unlock()
	h.winStart = br.now()
	h.winEnd = h.winStart + int64(br.window())
	return br.start.Add(time.Duration(h.winEnd))
}

// closeWindow records the n bytes the window of h moved.
func (br *Bridge) closeWindow(h *half, n int64) {
	br.dogMu.Lock()
	defer br.dogMu.Unlock()
	if n > 0 {
		h.lastRead.Store(br.now())
	}
	h.winEnd = 0
}

// quiet returns a span [from, to] of the idle clock during which h is known
// to have read nothing. A splice window whose deadline has passed is given
// one more window to report, as ReadFrom returning is not instant; past
// that, its direction is stuck writing. Callers hold dogMu.
func (h *half) quiet(now, window int64) (from, to int64) {
	last := h.lastRead.Load()
	switch {
	case h.winEnd == 0: // not inside a splice window: last is exact
		return last, now
	case now < h.winEnd+window: // inside one: unknown since it opened
		return last, h.winStart
	default: // stuck past the deadline: no reads since it
		return max(last, h.winEnd), now
	}
}

// startWatchdog arms the idle timer, if there is an idle timeout.
func (br *Bridge) startWatchdog() {
	if br.idle <= 0 {
		return
	}
	br.dogMu.Lock()
	defer br.dogMu.Unlock()
	br.timer = time.AfterFunc(br.idle, br.checkIdle)
}

// stopWatchdog disarms the idle timer for good.
func (br *Bridge) stopWatchdog() {
	br.dogMu.Lock()
	defer br.dogMu.Unlock()
	br.dogOff = true
	if br.timer != nil {
		br.timer.Stop()
	}
}

// checkIdle tears the bridge down if both directions have been quiet
// together for the idle timeout, and otherwise rearms for when they could
// be. The floor on the wait keeps a lagging splice window from turning the
// timer into a busy loop.
func (br *Bridge) checkIdle() {
	br.dogMu.Lock()
	if br.dogOff {
		br.dogMu.Unlock()
		return
	}
	now, window := br.now(), int64(br.window())
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	for i := range br.halves {
		f, t := br.halves[i].quiet(now, window)
		from, to = max(from, f), min(to, t)
	}
	quiet := time.Duration(to - from)
	if quiet < br.idle {
		br.timer.Reset(max(br.idle-quiet, br.idle/8))
		br.dogMu.Unlock()
		return
	}
	br.dogMu.Unlock()
	br.teardown(fmt.Errorf("no byte moved either way for %s (raise the idle timeout to keep quiet sessions open): %w", br.idle, ErrIdle))
}
