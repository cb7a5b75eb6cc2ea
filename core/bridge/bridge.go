// Package bridge copies bytes both ways between two connections, as the
// rendezvous does between the two parties of a session and the daemon does
// between a tunnel and its target.
//
// Each direction is copied by its own named function. When one direction
// reaches EOF, the bridge half-closes: it shuts the write side of the
// destination and the read side of the source, and the other direction keeps
// flowing until it ends too. When both sides are *net.TCPConn on Linux the
// kernel moves the bytes with splice(2); otherwise a buffer of fixed size from
// a Pool is used, and the steady state allocates nothing.
package bridge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ErrIdle is wrapped by the error of a bridge closed because no byte moved
// either way for Config.IdleTimeout.
var ErrIdle = errors.New("bridge idle")

// Config tunes a bridge. The zero value is ready to use.
type Config struct {
	// Pool supplies the copy buffers; nil means a pool shared by every
	// bridge, of DefaultBufferSize buffers.
	Pool *Pool
	// IdleTimeout closes the bridge when no byte was read from either side
	// for this long; 0 keeps quiet bridges open forever.
	IdleTimeout time.Duration
	// AName and BName label the two sides in errors, e.g. "client" and
	// "target"; empty means "a" and "b".
	AName, BName string
}

// Bridge joins two connections. Create it with New, run it once with Run;
// Stats may be read meanwhile.
type Bridge struct {
	a, b     net.Conn
	pool     *Pool
	idle     time.Duration
	splice   bool        // both sides are TCP on Linux: the kernel copies
	buffered atomic.Bool // a direction fell back to the pooled buffers
	start    time.Time   // the idle clock's origin; monotonic
	halves   [2]half     // a→b, b→a
	started  atomic.Bool

	mu    sync.Mutex // guards shut and cause
	shut  bool       // the bridge is closing: later copy errors are consequences
	cause error      // why it closed, or nil for a clean end
	once  sync.Once  // closes a and b

	dogMu  sync.Mutex // guards timer, dogOff and the halves' splice windows
	timer  *time.Timer
	dogOff bool
}

// New prepares a bridge between a and b. The bridge owns both connections
// from now on: Run clears their deadlines, which IdleTimeout and the context
// replace, and closes them when it returns.
func New(cfg Config, a, b net.Conn) *Bridge {
	an, bn := cfg.AName, cfg.BName
	if an == "" {
		an = "a"
	}
	if bn == "" {
		bn = "b"
	}
	br := &Bridge{a: a, b: b, pool: cfg.Pool, idle: cfg.IdleTimeout, splice: canSplice(a, b)}
	if br.pool == nil {
		br.pool = defaultPool
	}
	br.halves[0] = half{name: an + "→" + bn, src: a, dst: b}
	br.halves[1] = half{name: bn + "→" + an, src: b, dst: a}
	return br
}

// Join runs a new bridge between a and b until both directions end, and
// closes both. See Run.
func Join(ctx context.Context, cfg Config, a, b net.Conn) (Stats, error) {
	return New(cfg, a, b).Run(ctx)
}

// Run copies both ways until both directions have ended, then closes both
// connections and returns the byte counts. A clean end (EOF both ways) gives
// a nil error, as does an EOF towards a connection that cannot half-close,
// which closes both. Otherwise the error wraps ErrIdle, the context's cause,
// or the first copy error, named by its direction ("client→target").
func (br *Bridge) Run(ctx context.Context) (Stats, error) {
	if !br.started.CompareAndSwap(false, true) {
		return br.Stats(), errors.New("bridge already ran (create a new bridge for each pair of connections)")
	}
	br.start = time.Now()
	// A deadline left from a handshake would cut a healthy session short.
	_ = br.a.SetDeadline(time.Time{})
	_ = br.b.SetDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() {
		br.teardown(fmt.Errorf("bridge stopped: %w", context.Cause(ctx)))
	})
	br.startWatchdog()

	var wg sync.WaitGroup
	wg.Go(func() { br.pipe(&br.halves[1]) })
	br.pipe(&br.halves[0])
	wg.Wait()

	err := br.finish()
	stop()
	br.stopWatchdog()
	return br.Stats(), err
}

// teardown closes both connections because of cause (nil: a deliberate,
// clean close). Only the first call counts: the errors the close provokes in
// the copy loops are its consequences, not failures.
func (br *Bridge) teardown(cause error) {
	br.mu.Lock()
	if br.shut {
		br.mu.Unlock()
		return
	}
	br.shut, br.cause = true, cause
	br.mu.Unlock()
	br.closeBoth()
}

// finish marks the bridge ended once both directions have returned, so that
// a late context cancellation or idle check cannot turn a clean end into an
// error, and closes both connections.
func (br *Bridge) finish() error {
	br.mu.Lock()
	br.shut = true
	cause := br.cause
	br.mu.Unlock()
	br.closeBoth()
	return cause
}

// closeBoth closes both connections once; their Close errors say nothing
// the copy loops have not already said.
func (br *Bridge) closeBoth() {
	br.once.Do(func() {
		_ = br.a.Close()
		_ = br.b.Close()
	})
}
