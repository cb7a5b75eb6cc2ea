package npt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/backoff"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/tunnel"
)

// Run offers the tunnel as cfg says: in the foreground until ctx ends
// (Ctrl-C) or the tunnel does, or, with -x, from a background copy of this
// program once the tunnel is up; see background.go.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Logger == nil {
		cfg.Logger = logging.Discard()
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if report := client.BackgroundReport(); report != nil {
		return serveBackground(ctx, cfg, report)
	}
	if cfg.ExitWhenConnected {
		return startBackground(ctx, cfg)
	}
	return runForeground(ctx, cfg)
}

// runForeground sets the tunnel up, prints the ready line and serves.
func runForeground(ctx context.Context, cfg Config) error {
	t, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	return t.serve(ctx, func() { fmt.Fprintln(cfg.Stdout, t.readyLine()) })
}

// forwarder is a tunnel being offered: the local port, which lasts as
// long as the forwarder, and the session through which it is carried,
// which -K replaces when it ends.
type forwarder struct {
	cfg     Config
	log     *slog.Logger
	port    localPort
	session *client.Session
	backoff *backoff.Backoff
}

// localPort is the local side of a tunnel, TCP or UDP, which outlives
// the sessions that carry it.
type localPort interface {
	// Addr is where the port listens.
	Addr() net.Addr
	// serve carries the port through t until t or ctx ends; it returns
	// why t ended, nil if ctx did. It calls attached once t carries the
	// port, so that what a program sends after a ready line is carried.
	serve(ctx context.Context, t *tunnel.Tunnel, attached func()) error
	// wait returns once a program uses the port while no tunnel is up.
	wait(ctx context.Context) error
	// Close closes the port and whatever it still carries.
	Close() error
}

// open listens on the local port and sets the first session up; with -K
// it retries what may heal (a relay, rendezvous or daemon that is down)
// until it succeeds.
func open(ctx context.Context, cfg Config) (*forwarder, error) {
	host, external, err := cfg.listenHost(ctx)
	if err != nil {
		return nil, err
	}
	f := &forwarder{cfg: cfg, log: cfg.Logger, backoff: backoff.New(backoff.Policy{})}
	if f.port, err = listen(cfg, host); err != nil {
		return nil, err
	}
	if external {
		f.log.Warn("the tunnel listens on an address other machines may reach: anyone who can connect to it uses the tunnel as you", "listen", f.port.Addr().String())
	}
	if err := f.connect(ctx, transient); err != nil {
		f.port.Close()
		return nil, err
	}
	f.log.Info("tunnel ready", "listen", f.port.Addr().String(), "to", cfg.To, "device", cfg.Device, "target", cfg.target(), "protocol", cfg.protocol(), "session", f.session.ID.Short())
	return f, nil
}

// listen opens the local port on host.
func listen(cfg Config, host string) (localPort, error) {
	addr := net.JoinHostPort(host, fmt.Sprint(cfg.LocalPort))
	var p localPort
	var err error
	if cfg.UDP {
		p, err = listenUDP(addr, cfg.Logger)
	} else {
		p, err = listenTCP(addr, cfg.Logger)
	}
	if err != nil {
		return nil, fmt.Errorf("local port: %w (choose another with --local-port, or 0 for any)", err)
	}
	return p, nil
}

// readyLine says what the tunnel forwards:
//
//	nport tunnel ready: 127.0.0.1:2222 → @garage(default) localhost:8080/tcp
func (f *forwarder) readyLine() string {
	return fmt.Sprintf("nport tunnel ready: %s → %s(%s) %s/%s", f.port.Addr(), f.cfg.To, f.cfg.Device, f.cfg.target(), f.cfg.protocol())
}

// serve carries the local port until ctx ends or, without -K, the tunnel
// does, calling ready once the first tunnel carries it. With -K a tunnel
// that ended is set up again at once, or, if it ended unused (-T), when a
// program next uses the port.
func (f *forwarder) serve(ctx context.Context, ready func()) error {
	defer f.port.Close()
	for {
		start := time.Now()
		err := f.port.serve(ctx, f.session.Tunnel, ready)
		ready = func() {}
		f.session.Close()
		if ctx.Err() != nil {
			return nil
		}
		if !f.cfg.KeepAlive {
			if tunnel.Clean(err) {
				f.log.Info("tunnel ended", "reason", err)
				return nil
			}
			return fmt.Errorf("the tunnel failed: %w", err)
		}
		f.backoff.Ended(time.Since(start))
		if errors.Is(err, tunnel.ErrIdle) {
			f.log.Info("tunnel ended unused: it is set up again when a program uses the local port", "listen", f.port.Addr().String())
			if err := f.port.wait(ctx); err != nil {
				return nil
			}
		} else {
			f.log.Warn("tunnel ended: setting it up again", "reason", err)
			if f.backoff.Wait(ctx) != nil {
				return nil
			}
		}
		if err := f.connect(ctx, retriable); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		f.log.Info("tunnel set up again", "session", f.session.ID.Short(), "listen", f.port.Addr().String())
	}
}

// connect opens a session; with -K it retries the errors that retry
// accepts, with backoff, until one succeeds or ctx ends.
func (f *forwarder) connect(ctx context.Context, retry func(error) bool) error {
	for {
		s, err := client.Connect(ctx, f.cfg.client())
		if err == nil {
			f.session = s
			return nil
		}
		if !f.cfg.KeepAlive || !retry(err) || ctx.Err() != nil {
			return err
		}
		f.log.Warn("tunnel not set up: trying again", "err", err, "attempt", f.backoff.Attempts()+1)
		if err := f.backoff.Wait(ctx); err != nil {
			return err
		}
	}
}
