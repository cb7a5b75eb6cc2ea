// Package daemon is `nport daemon` (sshnpd): it runs on the device, keeps
// one outbound connection to a relay and joins the sessions its managers
// ask for. It never opens a listening socket.
package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/status"
	"github.com/nport/nport/wire"
)

// daemon is a running daemon.
type daemon struct {
	cfg      Config
	log      *slog.Logger
	policy   atomic.Pointer[policy] // the policy in force, replaced by reloads
	keysMu   sync.Mutex             // one authorized_keys change at a time
	relay    *relayclient.Client
	obs      *metrics.Registry // nil when --metrics is off
	sessions sync.WaitGroup
	started  time.Time // for the uptime a ping is told
	// keepers carry the sessions across restarts (sessions.go).
	keepers *keepers
}

// Run runs the daemon until ctx ends, reconnecting to the relay as often as
// needed. It returns early only for what no retry can mend: a bad setting,
// a relay whose key changed, a name bound to another key.
func Run(ctx context.Context, cfg Config) error {
	// Before the relay client, which holds the state file from New to Run.
	cfg.obs = newRegistry(cfg)
	stopStatus, err := status.Start(ctx, cfg.Endpoint, cfg.obs, cfg.Logger)
	if err != nil {
		return err
	}
	defer stopStatus()
	d, err := newDaemon(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d.keepers.start(ctx)
	defer d.keepers.close()
	runErr := make(chan error, 1)
	go func() { runErr <- d.relay.Run(ctx) }()
	go d.announce(ctx)
	reloads := make(chan struct{})
	go func() {
		defer close(reloads)
		d.reloads(ctx)
	}()
	err = d.serve(ctx, runErr)
	cancel()
	d.sessions.Wait()
	<-reloads
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
	if err := identity.CheckDevice(cfg.Device); err != nil {
		return nil, fmt.Errorf("--device: %w", err)
	}
	p, err := newPolicy(cfg)
	if err != nil {
		return nil, err
	}
	if err := checkKeeperMode(cfg.SessionKeeper); err != nil {
		return nil, err
	}
	d := &daemon{cfg: cfg, log: log.With("identity", name, "device", cfg.Device), started: time.Now()}
	d.keepers = newKeepers(cfg, name, d.log, cfg.obs)
	d.policy.Store(p)
	if !groupName.MatchString(cfg.DeviceGroup) {
		return nil, fmt.Errorf("--device-group %q: use at most 64 letters, digits, '.', '_' and '-'", cfg.DeviceGroup)
	}
	if cfg.EphemeralPermissions != "" {
		d.log.Info("--ephemeral-permissions has no effect: nport installs no throw-away ssh keys, its tunnels have keys of their own")
	}
	d.obs = cfg.obs
	id, err := loadIdentity(cfg.Keys(cfg.Home), name, d.log)
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
		Metrics:   d.obs,
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

// groupName is what a device group may be named: empty (no group) or a
// word that prints in a listing as it is.
var groupName = regexp.MustCompile(`^[A-Za-z0-9._-]{0,64}$`)

// isManager reports whether from may use this daemon under the policy in
// force. Messages from anyone else are dropped before they are opened: a
// stranger learns nothing, not even that the device exists, and costs next
// to nothing.
func (d *daemon) isManager(from identity.Name) bool { return d.policy.Load().isManager(from) }

// targetsFor lists the host:port targets manager from may open under the
// policy in force, * standing for any host or port; nil when from is not
// a manager.
func (d *daemon) targetsFor(from identity.Name) []string { return d.policy.Load().targets(from) }

// deviceGroup is the group this device belongs to in listings, "" for
// none (--device-group; it changes at the next start, not at a reload).
func (d *daemon) deviceGroup() string { return d.cfg.DeviceGroup }

// loadIdentity loads the key, creating it on first start so that setting
// up a device is one command; the line to share is logged.
func loadIdentity(keys identity.Store, name identity.Name, log *slog.Logger) (identity.Identity, error) {
	id, created, err := keys.LoadOrCreate(name)
	if created {
		log.Info("created identity; managers pin it with this line", "line", id.ShareLine())
	}
	return id, err
}

// announce calls Ready once the first relay connection is up.
func (d *daemon) announce(ctx context.Context) {
	if d.relay.WaitReady(ctx) == nil {
		d.log.Info("daemon ready", "policy", d.policy.Load().describe())
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
		d.sessions.Go(func() { d.tunnel(ctx, in) })
	case wire.MsgPing:
		// An answer asks the session keepers for their count: it must
		// not hold up the messages behind it.
		d.sessions.Go(func() { d.pong(ctx, in) })
	default:
		d.log.Debug("ignored a message", "from", in.From, "type", in.Msg.Type)
	}
}
