// Package daemon is `nport daemon` (sshnpd): it runs on the device, keeps
// one outbound connection to a relay and joins the sessions its managers
// ask for. It never opens a listening socket.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/wire"
)

// daemon is a running daemon.
type daemon struct {
	cfg      Config
	log      *slog.Logger
	managers []identity.Name
	permits  Permits
	relay    *relayclient.Client
	sessions sync.WaitGroup
	started  time.Time // for the uptime a ping is told
}

// Run runs the daemon until ctx ends, reconnecting to the relay as often as
// needed. It returns early only for what no retry can mend: a bad setting,
// a relay whose key changed, a name bound to another key.
func Run(ctx context.Context, cfg Config) error {
	d, err := newDaemon(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- d.relay.Run(ctx) }()
	go d.announce(ctx)
	err = d.serve(ctx, runErr)
	cancel()
	d.sessions.Wait()
	return err
}

func newDaemon(cfg Config) (*daemon, error) {
	log := cfg.Logger
	if log == nil {
		log = logging.Discard()
	}
	name, err := identity.ParseName(cfg.Atsign)
	if err != nil {
		return nil, fmt.Errorf("--atsign: %w", err)
	}
	if len(cfg.Managers) == 0 {
		return nil, errors.New("no --manager: name at least one identity allowed to open sessions")
	}
	d := &daemon{cfg: cfg, log: log.With("identity", name, "device", cfg.Device), started: time.Now()}
	for _, m := range cfg.Managers {
		n, err := identity.ParseName(m)
		if err != nil {
			return nil, fmt.Errorf("--manager: %w", err)
		}
		d.managers = append(d.managers, n)
	}
	if d.permits, err = cfg.permits(); err != nil {
		return nil, err
	}
	id, err := loadIdentity(cfg.Home, name, d.log)
	if err != nil {
		return nil, err
	}
	d.relay, err = relayclient.New(relayclient.Config{
		Settings:  cfg.Settings,
		Identity:  id,
		Home:      cfg.Home,
		Logger:    d.log,
		Accept:    d.isManager,
		StateFile: StateFile(cfg.Home, name, cfg.Device),
	})
	return d, err
}

// StateFile is where a daemon keeps the dates of the latest requests it
// accepted, so that none is acted on twice across a restart: one file per
// identity and device, which also keeps a second daemon of the same
// identity and device in one home from starting.
func StateFile(home string, name identity.Name, device string) string {
	return filepath.Join(home, "state", string(name)+"."+device+".replay.db")
}

// isManager reports whether from may use this daemon. Messages from
// anyone else are dropped before they are opened: a stranger learns
// nothing, not even that the device exists, and costs next to nothing.
func (d *daemon) isManager(from identity.Name) bool { return slices.Contains(d.managers, from) }

// loadIdentity loads the key, creating it on first start so that setting
// up a device is one command; the line to share is logged.
func loadIdentity(home string, name identity.Name, log *slog.Logger) (identity.Identity, error) {
	id, created, err := identity.Store{Dir: home}.LoadOrCreate(name)
	if created {
		log.Info("created identity; managers pin it with this line", "line", id.ShareLine())
	}
	return id, err
}

// announce calls Ready once the first relay connection is up.
func (d *daemon) announce(ctx context.Context) {
	if d.relay.WaitReady(ctx) == nil {
		d.log.Info("daemon ready", "managers", d.managers, "permit_open", d.permits.String())
		if d.cfg.Ready != nil {
			d.cfg.Ready()
		}
	}
}

// serve handles incoming messages until ctx ends or the relay client stops.
func (d *daemon) serve(ctx context.Context, runErr <-chan error) error {
	for in := range d.relay.Messages() {
		d.handle(ctx, in)
	}
	// Messages is closed once Run has returned.
	if err := <-runErr; ctx.Err() == nil {
		return err
	}
	return nil
}

func (d *daemon) handle(ctx context.Context, in relayclient.Incoming) {
	switch in.Msg.Type {
	case wire.MsgTunnelRequest:
		d.sessions.Add(1)
		go func() {
			defer d.sessions.Done()
			d.tunnel(ctx, in)
		}()
	case wire.MsgPing:
		d.pong(ctx, in)
	default:
		d.log.Debug("ignored a message", "from", in.From, "type", in.Msg.Type)
	}
}
