package tunnel

import (
	"context"
	"errors"
	"log/slog"
)

// monitor waits for the multiplexer to end, whatever ended it, and then
// ends the tunnel: its context, its idle watch, Done.
func (t *Tunnel) monitor() {
	<-t.mux.closed()
	t.fail(t.mux.reason())
	_ = t.mux.close() // returns once the multiplexer's loops have stopped
	err := t.endErr()
	t.cancel(err)
	t.idle.stop()
	level := slog.LevelInfo
	if !Clean(err) {
		level = slog.LevelWarn
	}
	t.log.Log(context.Background(), level, "tunnel ended", slog.String("reason", err.Error()), slog.Any("stats", t.Stats()))
	t.mu.Lock()
	t.ended = true
	t.mu.Unlock()
	close(t.done)
}

// fail records why the tunnel ends, if no reason came first.
func (t *Tunnel) fail(err error) {
	t.mu.Lock()
	if t.err == nil {
		t.err = err
	}
	t.mu.Unlock()
}

// endErr is the reason the tunnel ended or is ending.
func (t *Tunnel) endErr() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		return errors.New("tunnel: ended")
	}
	return t.err
}

// closeWith ends the tunnel because of err, unless it is ending already
// for another reason, and waits until it has ended.
func (t *Tunnel) closeWith(err error) {
	t.fail(err)
	_ = t.mux.close()
	<-t.done
}

// Close ends the tunnel and every stream in it, and waits until it has
// ended and its connections are closed. The other end sees a clean close
// (ErrPeerClosed).
func (t *Tunnel) Close() error {
	t.closeWith(ErrClosed)
	t.handlers.Wait()
	return nil
}

// goHandler runs f in a goroutine that Close waits for, unless the tunnel
// has ended; it reports whether f runs.
func (t *Tunnel) goHandler(f func()) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return false
	}
	t.handlers.Go(f)
	return true
}

// Done is closed when the tunnel has ended.
func (t *Tunnel) Done() <-chan struct{} { return t.done }

// Err returns nil while the tunnel runs, and then why it ended: an error
// wrapping ErrClosed, ErrPeerClosed, ErrStopped, ErrIdle, ErrKeepalive,
// record.ErrTampered, record.ErrTruncated or a Serve method's context
// error.
func (t *Tunnel) Err() error {
	select {
	case <-t.done:
		return t.endErr()
	default:
		return nil
	}
}

// result is what a Serve method returns once the tunnel has ended: nil if
// this end closed it on purpose, else why it ended.
func (t *Tunnel) result() error {
	err := t.Err()
	if errors.Is(err, ErrClosed) {
		return nil
	}
	return err
}
