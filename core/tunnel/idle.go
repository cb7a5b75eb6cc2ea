package tunnel

import (
	"fmt"
	"sync"
	"time"
)

// idleWatch counts the open streams and, with a timeout, ends the tunnel
// once none has been open for that long. Bytes only move inside streams,
// so a tunnel without streams has moved none since its last one closed.
// One timer rechecks when the timeout could next be reached, rather than
// a timer per stream.
type idleWatch struct {
	t       *Tunnel
	timeout time.Duration

	mu         sync.Mutex
	active     int
	quietSince time.Time // when active last fell to 0, or the watch started
	timer      *time.Timer
	stopped    bool
}

// newIdleWatch starts the watch; a timeout of 0 only counts streams.
func newIdleWatch(t *Tunnel, timeout time.Duration) *idleWatch {
	w := &idleWatch{t: t, timeout: timeout, quietSince: time.Now()}
	if timeout > 0 {
		w.timer = time.AfterFunc(timeout, w.check)
	}
	return w
}

// opened counts a new stream.
func (w *idleWatch) opened() {
	w.mu.Lock()
	w.active++
	w.mu.Unlock()
}

// closed counts a stream's end, starting the quiet time at the last one.
func (w *idleWatch) closed() {
	w.mu.Lock()
	w.active--
	if w.active == 0 {
		w.quietSince = time.Now()
	}
	w.mu.Unlock()
}

// open returns the number of open streams.
func (w *idleWatch) open() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.active
}

// stop disarms the timer for good.
func (w *idleWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// check ends the tunnel if it has been quiet for the timeout, and
// otherwise rearms for when it could be.
func (w *idleWatch) check() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	wait := w.timeout
	if w.active == 0 {
		wait -= time.Since(w.quietSince)
	}
	if wait > 0 {
		w.timer.Reset(wait)
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	w.t.closeWith(fmt.Errorf("no connection used the tunnel for %s (raise the idle timeout to keep an unused tunnel open): %w", w.timeout, ErrIdle))
}
