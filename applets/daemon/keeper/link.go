package keeper

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/nport/nport/core/identity"
)

// Link is the daemon's way to one keeper: the path of its socket. Each
// call is a connection of its own.
type Link struct{ Path string }

// ErrGone means no keeper listens on the socket any more: it exited, or
// was killed and left its socket file behind.
var ErrGone = errors.New("no session keeper listens there")

// RefusedError is a keeper's answer that it would not do what was asked.
type RefusedError struct{ Message string }

func (e *RefusedError) Error() string { return "the session keeper refused: " + e.Message }

// Is makes a refusal for draining match ErrDraining.
func (e *RefusedError) Is(target error) bool {
	return target == ErrDraining && e.Message == ErrDraining.Error()
}

// dial connects to the keeper, within ioTimeout for each step.
func (l Link) dial(ctx context.Context) (*lineConn, error) {
	d := net.Dialer{Timeout: ioTimeout}
	c, err := d.DialContext(ctx, "unix", l.Path)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("session keeper at %s: %w", l.Path, ErrGone)
		}
		return nil, fmt.Errorf("connect to the session keeper at %s: %w", l.Path, err)
	}
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	return newLineConn(c), nil
}

// ask sends one request on conn and reads the answer.
func ask(lc *lineConn, req request) (reply, error) {
	req.Protocol = Protocol
	var r reply
	if err := lc.write(req); err != nil {
		return r, fmt.Errorf("send to the session keeper: %w", err)
	}
	if err := lc.read(&r); err != nil {
		return r, fmt.Errorf("read the session keeper's answer: %w", err)
	}
	if r.Error != "" {
		return r, &RefusedError{r.Error}
	}
	return r, nil
}

// call is one request on a connection of its own.
func (l Link) call(ctx context.Context, req request) (reply, error) {
	lc, err := l.dial(ctx)
	if err != nil {
		return reply{}, err
	}
	defer lc.conn.Close()
	return ask(lc, req)
}

// Hello returns the keeper's status.
func (l Link) Hello(ctx context.Context) (Status, error) {
	r, err := l.call(ctx, request{Op: opHello})
	return r.Status, err
}

// Handoff gives the keeper a session to serve, and returns the public
// half of the ephemeral key it made for it: the daemon answers the client
// with it.
func (l Link) Handoff(ctx context.Context, h *Handoff) (identity.PublicKey, error) {
	r, err := l.call(ctx, request{Op: opHandoff, Handoff: h})
	if err != nil {
		return identity.PublicKey{}, err
	}
	if r.Ephemeral == nil {
		return identity.PublicKey{}, errors.New("the session keeper took the session but sent no key")
	}
	return *r.Ephemeral, nil
}

// List returns the keeper's live sessions.
func (l Link) List(ctx context.Context) ([]Info, error) {
	r, err := l.call(ctx, request{Op: opList})
	for i := range r.List {
		r.List[i].Keeper = r.PID
	}
	return r.List, err
}

// Drain tells the keeper to take no new session and to exit with its
// last one.
func (l Link) Drain(ctx context.Context) error {
	_, err := l.call(ctx, request{Op: opDrain})
	return err
}

// Watch attaches the daemon: the keeper lingers while a watch is open,
// and reports the end of each session on it.
func (l Link) Watch(ctx context.Context) (*Watch, Status, error) {
	lc, err := l.dial(ctx)
	if err != nil {
		return nil, Status{}, err
	}
	r, err := ask(lc, request{Op: opWatch})
	if err != nil {
		lc.conn.Close()
		return nil, r.Status, err
	}
	_ = lc.conn.SetDeadline(time.Time{})
	return &Watch{lc: lc}, r.Status, nil
}

// Watch is an attached daemon's connection to a keeper.
type Watch struct{ lc *lineConn }

// Next waits for the next event: a session up or ended, exactly one of
// the two not nil. It fails once the keeper has exited or the watch was
// closed.
func (w *Watch) Next() (*Up, *Ended, error) {
	for {
		var ev event
		if err := w.lc.read(&ev); err != nil {
			return nil, nil, err
		}
		if ev.Ended != nil {
			return nil, ev.Ended, nil
		}
		if ev.Up != nil {
			return ev.Up, nil, nil
		}
	}
}

// Close detaches the daemon.
func (w *Watch) Close() error { return w.lc.conn.Close() }
